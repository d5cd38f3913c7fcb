import { z } from 'zod';

/** What a campaign step can do for one member. */
export const DELIVERY_CHANNELS = ['subscribe_message', 'coupon', 'points', 'tag', 'task'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export interface DeliveryGuardConfig {
  /** Shanghai wall-clock times "HH:MM"; `start` > `end` wraps over midnight. Null turns quiet hours off. */
  quietHours: { start: string; end: string } | null;
  /** Channels held during quiet hours. */
  quietHoursChannels: DeliveryChannel[];
  frequencyCap: {
    /** Per Shanghai calendar day. */
    perDay: number;
    /** Per week: 'rolling' = the 7 Shanghai days ending today; 'calendar' = Monday to Sunday. */
    perWeek: number;
    week: 'rolling' | 'calendar';
    /** A capped delivery waits at most this many days for a free slot; beyond that it is skipped. */
    maxDeferDays: number;
  };
  /** Channels that use up, and are limited by, the frequency cap. */
  frequencyCappedChannels: DeliveryChannel[];
  /** Channels a do-not-contact member must not receive. */
  doNotContactChannels: DeliveryChannel[];
  /** Share of each campaign's audience held out for measurement. */
  holdoutRatio: number;
}

/**
 * Defaults: messages are the contact a member feels, so only subscribe messages count towards the cap
 * (≤ 1 a Shanghai day, ≤ 2 in any 7 rolling Shanghai days) and wait out quiet hours (21:00–09:00). A coupon,
 * points or a tag arrives silently and goes out at once; the message that announces it is what is capped.
 * A do-not-contact member gets no messages and no rep task (a call), but keeps coupons and points.
 */
export const DEFAULT_DELIVERY_GUARD_CONFIG: DeliveryGuardConfig = {
  quietHours: { start: '21:00', end: '09:00' },
  quietHoursChannels: ['subscribe_message'],
  frequencyCap: { perDay: 1, perWeek: 2, week: 'rolling', maxDeferDays: 3 },
  frequencyCappedChannels: ['subscribe_message'],
  doNotContactChannels: ['subscribe_message', 'task'],
  holdoutRatio: 0.1,
};

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');
const channels = z.array(z.enum(DELIVERY_CHANNELS));

/**
 * Validates an operator's delivery guard configuration.
 * @example deliveryGuardConfigSchema.parse(DEFAULT_DELIVERY_GUARD_CONFIG)
 */
export const deliveryGuardConfigSchema = z.object({
  quietHours: z
    .object({ start: clockTime, end: clockTime })
    .refine((q) => q.start !== q.end, 'start and end must differ; use null for no quiet hours')
    .nullable(),
  quietHoursChannels: channels,
  frequencyCap: z
    .object({
      perDay: z.number().int().min(1).max(100),
      perWeek: z.number().int().min(1).max(700),
      week: z.enum(['rolling', 'calendar']),
      maxDeferDays: z.number().int().min(0).max(30),
    })
    .refine((cap) => cap.perWeek >= cap.perDay, { path: ['perWeek'], message: 'must be at least perDay' }),
  frequencyCappedChannels: channels,
  doNotContactChannels: channels,
  holdoutRatio: z.number().min(0).max(1),
});

/**
 * Minutes after Shanghai midnight of an "HH:MM" time.
 * @example clockMinutes('21:30') // 1290
 */
export function clockMinutes(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}
