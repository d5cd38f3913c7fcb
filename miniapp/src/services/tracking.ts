import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro';
import { useRef } from 'react';
import { EVENT_BATCH_MAX, EventBatchResponse, type EventInput } from '@member-ops/shared';
import { ApiError } from './errors';
import { apiRequest } from './http';
import { newClientId } from './ids';
import { forgetPrivacyConsent, hasPrivacyConsent } from './session';
import { STORAGE_KEYS, readStored, writeStored } from './storage';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a page reports it; the client adds its id and time. */
export type TrackInput = DistributiveOmit<EventInput, 'clientEventId' | 'occurredAt'>;

/** Send when this many events wait, or this long after the first one arrived, whichever is first. */
export const FLUSH_AT_COUNT = 10;
export const FLUSH_AFTER_MS = 5_000;
/** Retries back off 2 s, 4 s, 8 s … up to a minute. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** What the device keeps while offline; the oldest go first beyond this. */
const QUEUE_LIMIT = 500;

let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<void> | undefined;
let failures = 0;

function readQueue(): EventInput[] {
  return readStored<EventInput[]>(STORAGE_KEYS.trackingQueue, []);
}

function writeQueue(queue: EventInput[]): void {
  writeStored(STORAGE_KEYS.trackingQueue, queue.slice(-QUEUE_LIMIT));
}

function schedule(delayMs: number): void {
  if (timer !== undefined) return;
  timer = setTimeout(() => {
    timer = undefined;
    void flushEvents();
  }, delayMs);
}

/**
 * Queues one behaviour event (nothing before the shopper's privacy consent). Each event gets its client id
 * here, once, and keeps it through every retry, so the server counts it once however often it is sent.
 */
export function track(input: TrackInput): void {
  if (!hasPrivacyConsent()) return;
  const event = { ...input, clientEventId: newClientId('e'), occurredAt: new Date().toISOString() } as EventInput;
  const queue = readQueue();
  queue.push(event);
  writeQueue(queue);
  if (queue.length >= FLUSH_AT_COUNT) void flushEvents();
  else schedule(FLUSH_AFTER_MS);
}

/** Throws away everything queued on the device (consent missing on the server, or the membership erased). */
export function discardTracking(): void {
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  writeQueue([]);
}

async function sendBatch(): Promise<void> {
  if (!hasPrivacyConsent()) {
    discardTracking();
    return;
  }
  const batch = readQueue().slice(0, EVENT_BATCH_MAX);
  if (batch.length === 0) return;
  try {
    await apiRequest({ method: 'POST', path: '/api/events', body: { events: batch }, schema: EventBatchResponse, silent: true });
  } catch (error) {
    // The server holds no consent for this membership (e.g. signed in anew): stop collecting until the shopper agrees.
    if (error instanceof ApiError && error.code === 'CONSENT_REQUIRED') {
      forgetPrivacyConsent();
      discardTracking();
      return;
    }
    // A batch the server refuses as malformed would be refused forever; anything else is tried again later.
    const permanent =
      error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status);
    if (!permanent) throw error;
  }
  const sent = new Set(batch.map((event) => event.clientEventId));
  writeQueue(readQueue().filter((event) => !sent.has(event.clientEventId)));
}

/** Sends what is queued, batch by batch; on failure keeps the events and retries with backoff. */
export function flushEvents(): Promise<void> {
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  if (inFlight) return inFlight;
  const run = (async () => {
    try {
      while (readQueue().length > 0) await sendBatch();
      failures = 0;
    } catch {
      failures += 1;
      schedule(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1)));
    }
  })();
  // Cleared after the run settles (a run with nothing to send finishes before this assignment).
  inFlight = run;
  void run.finally(() => {
    if (inFlight === run) inFlight = undefined;
  });
  return run;
}

/** Events waiting on the device (for the tests and the debug panel). */
export function pendingEventCount(): number {
  return readQueue().length;
}

/** Flushes when the app goes to the background and when the network comes back. */
export function startTracking(): void {
  Taro.onAppHide(() => void flushEvents());
  Taro.onNetworkStatusChange((status) => {
    if (status.isConnected) {
      failures = 0;
      void flushEvents();
    }
  });
  if (process.env.TARO_ENV === 'h5') {
    window.addEventListener('online', () => {
      failures = 0;
      void flushEvents();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void flushEvents();
    });
  }
  // A queue without consent (left by an older version, or consent withdrawn) is dropped, never sent.
  if (!hasPrivacyConsent()) discardTracking();
  else if (readQueue().length > 0) schedule(FLUSH_AFTER_MS);
}

/** Records a page view with its dwell time (shown → hidden or closed). */
export function usePageTracking(path: string): void {
  const shownAt = useRef<number | undefined>(undefined);
  const end = () => {
    if (shownAt.current === undefined) return;
    track({ type: 'page_view', path, dwellMs: Math.max(0, Date.now() - shownAt.current) });
    shownAt.current = undefined;
  };
  useDidShow(() => {
    shownAt.current = Date.now();
  });
  useDidHide(end);
  useUnload(end);
}
