import type { z } from 'zod';
import { WechatError } from './errors';
import { mayHaveReachedServer } from './transport';

/** The subset of the global `fetch` the adapters use; injected so tests and the sandbox can stand in. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const DEFAULT_WECHAT_BASE_URL = 'https://api.weixin.qq.com';

export function joinUrl(baseUrl: string, path: string, query?: Record<string, string>): string {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  if (!query) return url;
  return `${url}?${new URLSearchParams(query).toString()}`;
}

interface WechatCall<T> {
  fetch: FetchLike;
  api: string;
  url: string;
  init?: RequestInit;
  schema: z.ZodType<T>;
}

/**
 * Calls a mini-program server API (which answers HTTP 200 with `errcode` on failure) and returns the parsed success
 * body, or throws a WechatError that says whether WeChat may have acted on the call (`outcomeUnknown`). The error
 * message never contains the URL, because URLs carry secrets and tokens.
 */
export async function callWechatApi<T>({ fetch, api, url, init, schema }: WechatCall<T>): Promise<T> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw WechatError.transport(api, `network error: ${(error as Error).message}`, {
      outcomeUnknown: mayHaveReachedServer(error),
    });
  }
  try {
    text = await response.text();
  } catch (error) {
    throw WechatError.transport(api, `answer cut off: ${(error as Error).message}`, { outcomeUnknown: true });
  }
  if (response.status >= 500) throw WechatError.transport(api, `HTTP ${response.status}`, { outcomeUnknown: true });
  if (!response.ok) throw WechatError.transport(api, `HTTP ${response.status}`, { retryable: false, outcomeUnknown: false });

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw WechatError.transport(api, 'response is not JSON', { outcomeUnknown: true });
  }
  const errcode = readErrcode(body);
  if (errcode !== 0) {
    const errmsg = typeof (body as { errmsg?: unknown }).errmsg === 'string' ? (body as { errmsg: string }).errmsg : '';
    throw new WechatError({ errcode, errmsg, api });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw WechatError.transport(api, `unexpected response shape: ${parsed.error.message}`, {
      retryable: false,
      outcomeUnknown: true,
    });
  }
  return parsed.data;
}

function readErrcode(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const errcode = (body as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' ? errcode : 0;
}

export function jsonPost(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
