import { afterEach, describe, expect, it } from 'vitest';
import { countingFetch, startSandboxServer, type RunningSandbox } from '../sandbox/testing/sandbox-server';
import { createAccessTokenProvider } from './access-token';
import { WechatError } from './errors';

const running: RunningSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

/** One clock shared by the sandbox and the adapter, moved by hand. */
function manualClock(start = Date.UTC(2024, 4, 1, 2, 0, 0)) {
  let nowMs = start;
  return { now: () => new Date(nowMs), advanceSeconds: (seconds: number) => (nowMs += seconds * 1000) };
}

async function setUp(now?: () => Date) {
  const sandbox = await startSandboxServer(now ? { now } : {});
  running.push(sandbox);
  const counted = countingFetch();
  const provider = createAccessTokenProvider({
    appId: sandbox.keys.appId,
    appSecret: sandbox.keys.appSecret,
    baseUrl: sandbox.baseUrl,
    fetch: counted.fetch,
    now: now ?? (() => new Date()),
  });
  return { sandbox, provider, calls: counted.urls };
}

describe('access token cache', () => {
  it('makes one HTTP call for 20 concurrent callers and gives them all the same token', async () => {
    const { provider, calls } = await setUp();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.get()));
    expect(calls).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^sandbox-token-/);
    await provider.get();
    expect(calls).toHaveLength(1);
  });

  it('keeps the token until five minutes before expiry, then refreshes it once', async () => {
    const clock = manualClock();
    const { provider, calls } = await setUp(clock.now);
    const first = await provider.get();

    clock.advanceSeconds(7200 - 301);
    expect(await provider.get()).toBe(first);
    expect(calls).toHaveLength(1);

    clock.advanceSeconds(2);
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => provider.get()));
    expect(calls).toHaveLength(2);
    expect(new Set(concurrent)).toEqual(new Set([concurrent[0]]));
    expect(concurrent[0]).not.toBe(first);
    expect(await provider.get()).toBe(concurrent[0]);
    expect(calls).toHaveLength(2);
  });

  it('forces exactly one refresh when many callers report the same rejected token', async () => {
    const { provider, calls } = await setUp();
    const stale = await provider.get();
    const replacements = await Promise.all(Array.from({ length: 20 }, () => provider.refreshAfterRejection(stale)));
    expect(calls).toHaveLength(2);
    expect(new Set(replacements).size).toBe(1);
    expect(replacements[0]).not.toBe(stale);
    // A late report about the old token reuses the replacement instead of forcing again.
    expect(await provider.refreshAfterRejection(stale)).toBe(replacements[0]);
    expect(calls).toHaveLength(2);
  });

  it('shares a failure with every waiting caller, then tries again on the next call', async () => {
    const { sandbox, provider, calls } = await setUp();
    await fetch(`${sandbox.baseUrl}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/cgi-bin/stable_token', errcode: -1 }),
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => provider.get()));
    expect(calls).toHaveLength(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as WechatError;
      expect(reason).toBeInstanceOf(WechatError);
      expect(reason.errcode).toBe(-1);
      expect(reason.retryable).toBe(true);
    }
    expect(await provider.get()).toMatch(/^sandbox-token-/);
    expect(calls).toHaveLength(2);
  });
});
