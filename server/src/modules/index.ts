import type { ApiRouter } from '../http/api-router';
import type { ServerContext } from '../server';

/** Every feature module's routes, mounted under /api. Each module's index.ts exports its register function. */
export function registerModules(api: ApiRouter, context: ServerContext): void {
  void api;
  void context;
}
