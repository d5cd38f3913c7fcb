import type { StaffLoginResponse, StaffProfile } from '@member-ops/shared';

const TOKEN_KEY = 'member-ops.console.token';
const PROFILE_KEY = 'member-ops.console.staff';

/** An API error as the server reports it: `{ error: { code, message, fields } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export function savedSession(): { token: string; staff: StaffProfile } | null {
  const token = localStorage.getItem(TOKEN_KEY);
  const staff = localStorage.getItem(PROFILE_KEY);
  if (!token || !staff) return null;
  return { token, staff: JSON.parse(staff) as StaffProfile };
}

export function saveSession(session: StaffLoginResponse): void {
  localStorage.setItem(TOKEN_KEY, session.token);
  localStorage.setItem(PROFILE_KEY, JSON.stringify(session.staff));
}

export function clearSession(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(PROFILE_KEY);
}

/** Called when the server says the session is gone; the app sends the user to the login page. */
let onUnauthenticated: () => void = () => undefined;
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const token = localStorage.getItem(TOKEN_KEY);
  const response = await fetch(`/api${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.ok) return response;
  const payload = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string; fields?: { field: string; message: string }[] };
  } | null;
  if (response.status === 401 && path !== '/staff/login') {
    clearSession();
    onUnauthenticated();
  }
  throw new ApiError(
    response.status,
    payload?.error?.code ?? 'HTTP_ERROR',
    payload?.error?.message ?? `请求失败（${response.status}）`,
    payload?.error?.fields ?? [],
  );
}

/** JSON API call; throws ApiError on any non-2xx answer (never resolves with a failure). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  return (await response.json()) as T;
}

/** Downloads a file answer (e.g. a CSV export) under the given name. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await send('GET', path);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

/** A Chinese message for an error, naming the offending field when the server did. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return '无权限访问（403）';
    if (error.status === 404) return '未找到，或不在您的权限范围内（404）';
    const field = error.fields[0];
    return field && !error.message.includes(field.field) ? `${error.message}（${field.field}: ${field.message}）` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
