import { sql } from 'drizzle-orm';
import {
  renderMessageData,
  shanghaiDate,
  TIER_LABELS,
  validateSubscribeData,
  type CampaignAction,
  type TierCode,
} from '@member-ops/shared';
import { execute } from '../../db';
import type { ServerContext } from '../../server';
import type { DueDelivery } from './actions';

type MessageAction = Extract<CampaignAction, { type: 'subscribe_message' }>;

export interface MessageToSend {
  delivery: DueDelivery & { attempts: number };
  openid: string;
  action: MessageAction;
}

export type SendResult =
  | { kind: 'sent' }
  | { kind: 'refused' }
  | { kind: 'retry'; at: Date; error: string }
  /** Reached WeChat without an answer: maybe delivered, so never sent again. */
  | { kind: 'unknown'; error: string }
  | { kind: 'failed'; reason: string; error: string };

export interface SendOutcome {
  message: MessageToSend;
  outcome: SendResult;
}

/** In-process attempts for a transient WeChat error before the row is put back with a later not_before. */
const IN_PROCESS_ATTEMPTS = 3;
const BACKOFF_MS = [100, 400];
/** After this many claimed attempts a transient failure is given up. */
const MAX_ATTEMPTS = 5;
const CONCURRENCY = 64;

const yuan = (fen: number | null) => (fen === null ? '' : `¥${(fen / 100).toFixed(2)}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Per member: the variables a message may use (their latest coupon from this campaign, latest paid order). */
async function messageValues(
  context: ServerContext,
  messages: MessageToSend[],
  now: Date,
): Promise<Map<number, Record<string, string>>> {
  const pairs = messages.map((m) => `(${m.delivery.memberId},${m.delivery.campaignId})`);
  const rows = await execute<{
    member_id: number;
    campaign_name: string;
    nickname: string | null;
    tier: TierCode;
    points: number | null;
    coupon_name: string | null;
    coupon_fen: number | null;
    coupon_valid_to: Date | null;
    order_no: string | null;
    order_fen: number | null;
    order_paid_at: Date | null;
    expiring: number | null;
    expires_at: Date | null;
  }>(
    context.database.db,
    sql`select p.member_id, c.name as campaign_name, m.nickname, m.tier, mm.points_balance as points,
               cp.name as coupon_name, cp.face as coupon_fen, cp.valid_to as coupon_valid_to,
               o.order_no, o.paid_fen as order_fen, o.paid_at as order_paid_at, x.expiring, x.expires_at
        from (select distinct * from (values ${sql.raw(pairs.join(','))}) as v(member_id, campaign_id)) p
        join members m on m.id = p.member_id
        join campaigns c on c.id = p.campaign_id
        left join member_metrics mm on mm.member_id = p.member_id
        left join lateral (select t.name, coalesce(t.amount_off_fen, t.cap_fen) as face, cp.valid_to
                           from coupons cp join coupon_templates t on t.id = cp.template_id
                           where cp.member_id = p.member_id and cp.campaign_id = p.campaign_id
                           order by cp.issued_at desc limit 1) cp on true
        left join lateral (select order_no, paid_fen, paid_at from orders
                           where member_id = p.member_id and paid_at is not null
                           order by paid_at desc limit 1) o on true
        left join lateral (select sum(remaining_points)::int as expiring, min(expires_at) as expires_at from points_batches
                           where member_id = p.member_id and remaining_points > 0 and expires_at > ${now}
                             and expires_at <= ${new Date(now.getTime() + 30 * 86_400_000)}) x on true`,
  );
  const today = shanghaiDate(now);
  return new Map(
    rows.map((row) => [
      row.member_id,
      {
        'member.nickname': row.nickname ?? '会员',
        'member.tier': TIER_LABELS[row.tier],
        'member.points': String(row.points ?? 0),
        'points.expiring': String(row.expiring ?? 0),
        'points.expiresAt': row.expires_at ? shanghaiDate(row.expires_at) : '',
        'coupon.name': row.coupon_name ?? '',
        'coupon.amount': yuan(row.coupon_fen),
        'coupon.validTo': row.coupon_valid_to ? shanghaiDate(row.coupon_valid_to) : '',
        'order.no': row.order_no ?? '',
        'order.amount': yuan(row.order_fen),
        'order.paidAt': row.order_paid_at ? shanghaiDate(row.order_paid_at) : '',
        'campaign.name': row.campaign_name,
        today,
      },
    ]),
  );
}

async function templateFields(context: ServerContext, ids: string[]): Promise<Map<string, string[]>> {
  const rows = await execute<{ template_id: string; keys: string[] }>(
    context.database.db,
    sql`select template_id, array(select f->>'key' from jsonb_array_elements(fields) f) as keys
        from subscribe_templates where template_id = any(${`{${ids.map((id) => JSON.stringify(id)).join(',')}}`}::text[])`,
  );
  return new Map(rows.map((row) => [row.template_id, row.keys]));
}

/** Spaces sends to at most `perSecond`, shared by every concurrent sender that holds it. */
export function rateLimiter(perSecond: number): () => Promise<void> {
  const interval = 1000 / perSecond;
  let next = Date.now();
  return async () => {
    const at = Math.max(next, Date.now());
    next = at + interval;
    const wait = at - Date.now();
    if (wait >= 1) await sleep(wait);
  };
}

async function sendOne(
  context: ServerContext,
  message: MessageToSend,
  data: Record<string, string>,
  acquire: () => Promise<void>,
  now: Date,
): Promise<SendResult> {
  let last = '';
  for (let attempt = 0; attempt < IN_PROCESS_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(BACKOFF_MS[attempt - 1] ?? 1000);
    await acquire();
    const result = await context.wechat.wechat.sendSubscribeMessage({
      toOpenId: message.openid,
      templateId: message.action.templateId,
      data,
      ...(message.action.page ? { page: message.action.page } : {}),
    });
    if (result.ok) return { kind: 'sent' };
    if (result.reason === 'user-refused') return { kind: 'refused' };
    last = `${result.errcode} ${result.errmsg}`;
    if (result.reason === 'outcome-unknown') return { kind: 'unknown', error: last.slice(0, 500) };
    if (!result.retryable) return { kind: 'failed', reason: result.reason.replace('-', '_'), error: last };
  }
  const attempts = message.delivery.attempts + 1;
  if (attempts >= MAX_ATTEMPTS) return { kind: 'failed', reason: 'retries_exhausted', error: last };
  return { kind: 'retry', at: new Date(now.getTime() + 60_000 * 2 ** attempts), error: last };
}

/**
 * Sends the reserved messages: renders each member's data, checks it against the template's field rules (a bad
 * value fails the delivery without spending the credit), and calls WeChat with bounded concurrency and rate,
 * retrying errors that prove the message was not sent (connection refused, WeChat busy) with backoff; a send that
 * reached WeChat without an answer is not retried.
 */
export async function sendMessages(
  context: ServerContext,
  messages: MessageToSend[],
  options: { acquire: () => Promise<void>; now: Date },
): Promise<SendOutcome[]> {
  if (messages.length === 0) return [];
  const values = await messageValues(context, messages, options.now);
  const fields = await templateFields(context, [...new Set(messages.map((m) => m.action.templateId))]);
  const { acquire } = options;
  const outcomes: SendOutcome[] = [];
  let cursor = 0;
  const lane = async () => {
    while (cursor < messages.length) {
      const message = messages[cursor++] as MessageToSend;
      const data = renderMessageData(message.action.data, values.get(message.delivery.memberId) ?? {});
      const problems = validateSubscribeData(fields.get(message.action.templateId) ?? [], data);
      const outcome: SendResult =
        problems.length > 0
          ? {
              kind: 'failed',
              reason: 'invalid_data',
              error: problems
                .map((p) => p.message)
                .join('; ')
                .slice(0, 500),
            }
          : await sendOne(context, message, data, acquire, options.now);
      outcomes.push({ message, outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, messages.length) }, lane));
  return outcomes;
}
