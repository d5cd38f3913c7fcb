import { randomUUID } from 'node:crypto';
import type { SandboxKeys } from './keys';
import { encryptResource, platformSignatureHeaders } from './pay-signing';
import { toWechatTime } from './wechat-time';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface NotificationAttempt {
  at: string;
  /** Absent when no HTTP answer arrived. */
  status?: number;
  response?: string;
  error?: string;
}

export interface NotificationRecord {
  id: string;
  url: string;
  eventType: string;
  /** The exact body sent on every attempt; only the signature headers are renewed, as WeChat does. */
  body: string;
  delivered: boolean;
  attempts: NotificationAttempt[];
}

export interface NotifierOptions {
  keys: SandboxKeys;
  now: () => Date;
  fetch: FetchLike;
  /** Pauses before each retry; WeChat's own schedule (15 s … 24 h) is shortened so that tests and demos finish. */
  retryDelaysMs: readonly number[];
  deliveryTimeoutMs?: number;
}

export interface Notification {
  url: string;
  eventType: string;
  summary: string;
  originalType: 'transaction' | 'refund';
  resource: object;
}

export interface Notifier {
  /** Sends a new notification, retrying on non-2xx answers and network errors, and resolves with the outcome. */
  send(notification: Notification): Promise<NotificationRecord>;
  /** Sends a recorded notification once more, like WeChat's redelivery of an unacknowledged one. */
  redeliver(record: NotificationRecord): Promise<NotificationRecord>;
  find(id: string): NotificationRecord | undefined;
  list(): readonly NotificationRecord[];
}

/** WeChat Pay counts a notification as received only when the merchant answers 200 or 204. */
const ACKNOWLEDGED = new Set([200, 204]);

export function createNotifier(options: NotifierOptions): Notifier {
  const records: NotificationRecord[] = [];
  const timeoutMs = options.deliveryTimeoutMs ?? 5000;

  async function attempt(record: NotificationRecord): Promise<boolean> {
    const headers = {
      'content-type': 'application/json',
      ...platformSignatureHeaders(options.keys.platform, record.body, options.now()),
    };
    const at = options.now().toISOString();
    try {
      const response = await options.fetch(record.url, {
        method: 'POST',
        headers,
        body: record.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      record.attempts.push({ at, status: response.status, response: text.slice(0, 1000) });
      return ACKNOWLEDGED.has(response.status);
    } catch (error) {
      record.attempts.push({ at, error: (error as Error).message });
      return false;
    }
  }

  async function deliver(record: NotificationRecord): Promise<NotificationRecord> {
    for (let retry = 0; ; retry += 1) {
      if (await attempt(record)) {
        record.delivered = true;
        return record;
      }
      const delay = options.retryDelaysMs[retry];
      if (delay === undefined) return record;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  return {
    send(notification) {
      const id = randomUUID();
      const body = JSON.stringify({
        id,
        create_time: toWechatTime(options.now()),
        resource_type: 'encrypt-resource',
        event_type: notification.eventType,
        summary: notification.summary,
        resource: encryptResource(options.keys.apiV3Key, notification.originalType, notification.resource),
      });
      const record: NotificationRecord = {
        id,
        url: notification.url,
        eventType: notification.eventType,
        body,
        delivered: false,
        attempts: [],
      };
      records.push(record);
      return deliver(record);
    },
    redeliver: deliver,
    find: (id) => records.find((record) => record.id === id),
    list: () => records,
  };
}
