import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadOrCreateSandboxKeys, sandboxAdapterOptions } from '../sandbox';
import { createWechatClient, createWechatPayClient } from '../wechat';
import type { WechatSetup } from '../wechat-setup';
import type { TestServer } from './server';

/**
 * What the stand-in does with a request on a faulty path:
 * - `silent`: accepts it and never answers (the request never reaches WeChat);
 * - `no-answer`: passes it on to WeChat, then never answers (answered late by `releaseHeld`);
 * - `reset`: passes it on, then resets the connection instead of answering;
 * - `bad-gateway`: passes it on, then answers HTTP 502.
 */
export type WechatFault = 'silent' | 'no-answer' | 'reset' | 'bad-gateway';

export interface FaultyWechat {
  /** Base URL for the adapters, e.g. http://127.0.0.1:41234/sandbox. */
  baseUrl: string;
  /** The next `times` requests whose path starts with `path` get `fault`; other requests pass through unchanged. */
  inject(path: string, fault: WechatFault, times?: number): void;
  /** Requests received on a path (faulty or not). */
  received(path: string): number;
  /** Requests passed on to WeChat on a path. */
  forwarded(path: string): number;
  /** Answers every held request now, with what WeChat answered (or 502 for a silent one): a late answer. */
  releaseHeld(): void;
  close(): Promise<void>;
}

interface Held {
  res: http.ServerResponse;
  answer: { status: number; headers: Headers; body: string } | undefined;
}

/**
 * An HTTP stand-in on 127.0.0.1 in front of the sandbox (`target` is the origin serving `/sandbox`) that breaks
 * chosen calls the way a network or WeChat does, after or before the request reached WeChat.
 */
export async function startFaultyWechat(target: string, prefix = '/sandbox'): Promise<FaultyWechat> {
  const faults: { path: string; fault: WechatFault; remaining: number }[] = [];
  const received = new Map<string, number>();
  const forwarded = new Map<string, number>();
  const held: Held[] = [];
  const bump = (counts: Map<string, number>, path: string) => counts.set(path, (counts.get(path) ?? 0) + 1);
  const pathOf = (url: string) => url.split('?')[0]?.slice(prefix.length) ?? '';

  async function forward(req: http.IncomingMessage, body: Buffer) {
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${target}${req.url ?? ''}`, {
      method: req.method ?? 'GET',
      headers,
      ...(req.method === 'POST' ? { body } : {}),
    });
    bump(forwarded, pathOf(req.url ?? ''));
    return { status: answer.status, headers: answer.headers, body: await answer.text() };
  }

  const send = (res: http.ServerResponse, answer: { status: number; headers: Headers; body: string }) => {
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name === 'content-type' || name.startsWith('wechatpay-') || name === 'request-id') headers[name] = value;
    });
    res.writeHead(answer.status, headers).end(answer.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = pathOf(req.url ?? '');
      bump(received, path);
      const rule = faults.find((candidate) => path.startsWith(candidate.path) && candidate.remaining > 0);
      if (rule) rule.remaining -= 1;
      void (async () => {
        const body = Buffer.concat(chunks);
        if (rule?.fault === 'silent') {
          held.push({ res, answer: undefined });
          return;
        }
        const answer = await forward(req, body);
        if (!rule) send(res, answer);
        else if (rule.fault === 'no-answer') held.push({ res, answer });
        else if (rule.fault === 'reset') (req.socket as net.Socket).resetAndDestroy();
        else res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}${prefix}`,
    inject: (path, fault, times = 1) => faults.push({ path, fault, remaining: times }),
    received: (path) => received.get(path) ?? 0,
    forwarded: (path) => forwarded.get(path) ?? 0,
    releaseHeld: () => {
      for (const entry of held.splice(0)) {
        if (entry.res.destroyed) continue;
        if (entry.answer) send(entry.res, entry.answer);
        else entry.res.writeHead(502).end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const entry of held.splice(0)) entry.res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP server that accepts connections and never says a word: over https:// the TLS handshake never completes,
 * which is what a connect timeout looks like (the request itself is never written).
 */
export async function startMuteServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 port nothing listens on (it was free a moment ago): connections to it are refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Points the running server's WeChat adapters (the object its routes read) at `baseUrl`, e.g. a faulty stand-in's,
 * with the server's own configured limits; returns the undo.
 */
export async function adaptersThrough(test: TestServer, baseUrl: string): Promise<() => void> {
  const setup: WechatSetup = test.server.wechat;
  const before = { wechat: setup.wechat, pay: setup.pay };
  const options = sandboxAdapterOptions(await loadOrCreateSandboxKeys(test.server.config.dataDir), baseUrl);
  const { timeouts } = test.server.config.wechat;
  Object.assign(setup, {
    wechat: createWechatClient({ ...options.wechat, timeouts }),
    pay: createWechatPayClient({ ...options.pay, timeouts }),
  });
  return () => Object.assign(setup, before);
}
