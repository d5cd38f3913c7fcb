import { z } from 'zod';
import { callWechatApi, joinUrl, jsonPost, type FetchLike } from './http';

const STABLE_TOKEN_API = '/cgi-bin/stable_token';

/**
 * WeChat hands out a new token in normal mode during the last five minutes of the old one, and the old one stays
 * valid meanwhile, so refreshing five minutes early never leaves a caller holding an expired token.
 */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

const stableTokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

export interface AccessTokenOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  fetch: FetchLike;
  now: () => Date;
  refreshMarginMs?: number;
}

export interface AccessTokenProvider {
  /** A token valid for at least the refresh margin; at most one HTTP call is in flight however many callers wait. */
  get(): Promise<string>;
  /**
   * Called after WeChat rejected `staleToken` (40001/42001): forces a new token, unless another caller has already
   * replaced it, in which case the replacement is returned without another call.
   */
  refreshAfterRejection(staleToken: string): Promise<string>;
}

interface CachedToken {
  token: string;
  expiresAtMs: number;
}

export function createAccessTokenProvider(options: AccessTokenOptions): AccessTokenProvider {
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const isFresh = (entry: CachedToken): boolean => options.now().getTime() < entry.expiresAtMs - margin;

  function fetchToken(forceRefresh: boolean): Promise<CachedToken> {
    const requestedAtMs = options.now().getTime();
    const request = callWechatApi({
      fetch: options.fetch,
      api: STABLE_TOKEN_API,
      url: joinUrl(options.baseUrl, STABLE_TOKEN_API),
      init: jsonPost({
        grant_type: 'client_credential',
        appid: options.appId,
        secret: options.appSecret,
        force_refresh: forceRefresh,
      }),
      schema: stableTokenSchema,
    })
      .then((body) => {
        // Measured from the request time so that network latency only ever shortens the token's assumed life.
        cached = { token: body.access_token, expiresAtMs: requestedAtMs + body.expires_in * 1000 };
        return cached;
      })
      .finally(() => {
        inFlight = undefined;
      });
    inFlight = request;
    return request;
  }

  return {
    async get() {
      if (cached && isFresh(cached)) return cached.token;
      return (await (inFlight ?? fetchToken(false))).token;
    },

    async refreshAfterRejection(staleToken) {
      if (inFlight) {
        const replacement = await inFlight;
        if (replacement.token !== staleToken) return replacement.token;
      }
      if (cached && cached.token !== staleToken && isFresh(cached)) return cached.token;
      return (await (inFlight ?? fetchToken(true))).token;
    },
  };
}
