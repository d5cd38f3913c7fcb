import http from 'node:http';
import https from 'node:https';
import type { FetchLike } from './http';

/** How long a call to WeChat or WeChat Pay may wait: for the connection (TLS included), and for the whole answer. */
export interface WechatTimeouts {
  connectMs: number;
  totalMs: number;
}

export const DEFAULT_WECHAT_TIMEOUTS: WechatTimeouts = { connectMs: 5000, totalMs: 10_000 };

/**
 * A call that got no usable answer. `requestSent` is false only when the request provably never reached the
 * server (no connection was made); once connected, the server may have acted on it whatever happens next.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    message: string,
    readonly requestSent: boolean,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Error codes of a failed connection attempt: nothing was written, so nothing can have been done. */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CONNECT_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a failed call may have reached the server — the one place that decides it. A `TransportError` knows;
 * for any other fetch (an injected one) only a connection error proves the request never left.
 */
export function mayHaveReachedServer(error: unknown): boolean {
  if (error instanceof TransportError) return error.requestSent;
  const code = (error as { cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  return !(typeof code === 'string' && NOT_CONNECTED_CODES.has(code));
}

const IDLE_SOCKET_MS = 4000;

const NO_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, key) => {
    record[key] = value;
  });
  return record;
}

function responseHeaders(incoming: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * A fetch with a connect timeout and a total timeout (connection, request and the whole answer), over keep-alive
 * agents. Failures are TransportErrors that say whether the request may have reached the server.
 */
export function createBoundedFetch(timeouts: WechatTimeouts): FetchLike {
  // Idle connections are dropped after a few seconds, before the far end is likely to close them: a request
  // written into a connection the server has just closed would count as "may have arrived".
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      const secure = url.protocol === 'https:';
      let connected = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = () => {
        settled = true;
        for (const timer of timers) clearTimeout(timer);
      };
      const request = (secure ? https : http).request(url, {
        method: init.method ?? 'GET',
        headers: headerRecord(init.headers),
        agent: secure ? agents['https:'] : agents['http:'],
      });
      const fail = (error: TransportError) => {
        if (settled) return;
        finish();
        request.destroy();
        reject(error);
      };
      const markConnected = () => {
        connected = true;
        clearTimeout(timers[0]);
      };
      timers.push(
        setTimeout(
          () => fail(new TransportError(`no connection within ${timeouts.connectMs} ms`, false, 'CONNECT_TIMEOUT')),
          timeouts.connectMs,
        ),
        setTimeout(
          () => fail(new TransportError(`no answer within ${timeouts.totalMs} ms`, connected, 'TIMEOUT')),
          timeouts.totalMs,
        ),
      );
      init.signal?.addEventListener('abort', () => fail(new TransportError('aborted', connected, 'ABORTED')), { once: true });
      request.on('socket', (socket) => {
        if (request.reusedSocket || (!secure && !socket.connecting)) markConnected();
        else socket.once(secure ? 'secureConnect' : 'connect', markConnected);
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        fail(new TransportError(error.message, connected, error.code ?? 'NETWORK_ERROR'));
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => {
          fail(new TransportError(`answer cut off: ${error.message}`, true, error.code ?? 'NETWORK_ERROR'));
        });
        response.on('close', () => {
          if (!response.complete) fail(new TransportError('answer cut off', true, 'ECONNRESET'));
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 599) {
            fail(new TransportError(`unexpected HTTP status ${status}`, true, 'BAD_STATUS'));
            return;
          }
          if (settled) return;
          finish();
          const body = NO_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: responseHeaders(response.headers) }));
        });
      });
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
}
