import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { generateSandboxKeys, type SandboxKeys } from '../keys';
import { createSandbox, sandboxAdapterOptions, type SandboxOptions } from '../sandbox';

export interface RunningSandbox {
  keys: SandboxKeys;
  /** e.g. http://127.0.0.1:41234/sandbox — the base URL both adapters take. */
  baseUrl: string;
  adapterOptions: ReturnType<typeof sandboxAdapterOptions>;
  close(): Promise<void>;
}

/** Starts the sandbox alone on an ephemeral 127.0.0.1 port, mounted as the API mounts it. */
export async function startSandboxServer(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  const keys = options.keys ?? generateSandboxKeys();
  const sandbox = createSandbox({ ...options, keys });
  const app = new Koa();
  app.use(sandbox.routes()).use(sandbox.allowedMethods());
  const server = await listen(app);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox`;
  return {
    keys,
    baseUrl,
    adapterOptions: sandboxAdapterOptions(keys, baseUrl),
    close: () => closeServer(server),
  };
}

export async function listen(app: Koa): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** A fetch that records the URL of every call, to count the HTTP calls an adapter makes. */
export function countingFetch(): { fetch: typeof globalThis.fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (input, init) => {
      urls.push(String(input));
      return globalThis.fetch(input, init);
    },
  };
}
