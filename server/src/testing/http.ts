import type { TestServer } from './server';

export type Headers = Record<string, string>;

/** Signs a staff account in through POST /api/staff/login; headers for its later requests. */
export async function staffHeaders(test: TestServer, username: string, password: string): Promise<Headers> {
  const response = await fetch(`${test.url}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { token: string };
  return { authorization: `Bearer ${body.token}`, 'content-type': 'application/json' };
}

/**
 * One request to the test server: the status, the JSON body (null when the answer is not JSON), the raw text
 * and the content type (for CSV and other non-JSON answers).
 */
export async function callApi<T>(test: TestServer, method: string, path: string, headers: Headers, body?: unknown) {
  const response = await fetch(test.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, body: json as T, text, type: response.headers.get('content-type') };
}
