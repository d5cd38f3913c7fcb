import { expect } from 'vitest';
import type { WechatLoginResponse } from '@member-ops/shared';

/** Signs a shopper in through the sandbox login code `sandbox-<name>[.<n>]` and returns the login answer. */
export async function signIn(url: string, code: string, source?: Record<string, unknown>): Promise<WechatLoginResponse> {
  const response = await fetch(`${url}/api/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, ...(source ? { source } : {}) }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as WechatLoginResponse;
}

/** JSON request with a bearer token; returns status and parsed body. */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}
