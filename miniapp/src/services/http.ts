import Taro from '@tarojs/taro';
import type { z } from 'zod';
import { ApiError, userMessage } from './errors';

export type Auth = 'member' | 'staff' | 'none';
type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Query;
  body?: unknown;
  auth?: Auth;
  /** The shared contract of the answer; the result is parsed with it, so pages get typed data or an ApiError. */
  schema: S;
  /** Show no toast on failure (the caller shows its own message). */
  silent?: boolean;
}

/** Session handling plugged in by ./session (kept apart so this module has no login logic of its own). */
export interface SessionHooks {
  token(auth: Exclude<Auth, 'none'>): string | undefined;
  /** Signs in again after a 401; resolves when a new token is stored. Staff sessions cannot renew themselves. */
  renew(auth: Exclude<Auth, 'none'>): Promise<boolean>;
}

let hooks: SessionHooks = { token: () => undefined, renew: async () => false };

export function installSessionHooks(next: SessionHooks): void {
  hooks = next;
}

/** The API origin: the h5 build is served by the API server itself; the weapp build has it compiled in. */
export function apiBase(): string {
  if (process.env.TARO_ENV === 'h5') return window.location.origin;
  return API_BASE_URL;
}

function buildUrl(path: string, query: Query | undefined): string {
  const params = Object.entries(query ?? {})
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return `${apiBase()}${path}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

interface RawResponse {
  statusCode: number;
  data: unknown;
}

async function send(options: RequestOptions<z.ZodType>): Promise<RawResponse> {
  const auth = options.auth ?? 'member';
  const token = auth === 'none' ? undefined : hooks.token(auth);
  const header: Record<string, string> = { 'content-type': 'application/json' };
  if (token) header.authorization = `Bearer ${token}`;
  try {
    const response = await Taro.request({
      url: buildUrl(options.path, options.query),
      method: options.method ?? 'GET',
      header,
      ...(options.body === undefined ? {} : { data: options.body as Record<string, unknown> }),
      dataType: 'json',
      timeout: 15_000,
    });
    return { statusCode: response.statusCode, data: response.data };
  } catch {
    throw new ApiError(0, 'NETWORK', userMessage(0, 'NETWORK', undefined));
  }
}

function errorOf(response: RawResponse): ApiError {
  const body = response.data as { error?: { code?: string; message?: string; fields?: { field: string; message: string }[] } };
  const code = body?.error?.code ?? `HTTP_${response.statusCode}`;
  return new ApiError(
    response.statusCode,
    code,
    userMessage(response.statusCode, code, body?.error?.message),
    body?.error?.fields ?? [],
  );
}

/**
 * The one way pages talk to the API: adds the token, signs in again once on a 401, parses the answer with the
 * shared contract, and shows a Chinese toast for failures unless `silent`.
 */
export async function apiRequest<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.infer<S>> {
  const auth = options.auth ?? 'member';
  try {
    let response = await send(options);
    if (response.statusCode === 401 && auth !== 'none' && (await hooks.renew(auth))) {
      response = await send(options);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) throw errorOf(response);
    const parsed = options.schema.safeParse(response.data);
    if (!parsed.success) throw new ApiError(response.statusCode, 'BAD_RESPONSE', userMessage(200, 'BAD_RESPONSE', undefined));
    return parsed.data;
  } catch (error) {
    if (!options.silent && error instanceof ApiError) {
      void Taro.showToast({ title: error.message, icon: 'none', duration: 2500 });
    }
    throw error;
  }
}
