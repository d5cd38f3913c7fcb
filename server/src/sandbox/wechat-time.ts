import { SHANGHAI_OFFSET_MS } from '@member-ops/shared';

/** WeChat Pay's time format: RFC 3339 in Beijing time, e.g. `2024-05-20T13:29:35+08:00`. */
export function toWechatTime(instant: Date): string {
  return `${new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
