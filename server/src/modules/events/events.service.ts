import { sql } from 'drizzle-orm';
import {
  activityDecayFactorSql,
  activityEventPointsSql,
  behaviourStateSql,
  type EventBatchResponse,
  type EventInput,
} from '@member-ops/shared';
import { execute, type Database } from '../../db';
import { AppError } from '../../errors';
import { segmentationConfigAt } from '../segmentation/segmentation.repo';
import {
  foldEventPreferencesSql,
  instantSql,
  preferenceRankingSql,
  type SegmentationConfig,
} from '../segmentation/segmentation.sql';
import { triageEvents, type EventRow } from './triage';

/**
 * Stores a batch in one statement (so one transaction and one round trip): receipts are inserted with
 * ON CONFLICT DO NOTHING, only the events whose receipt came back are stored, and member_activity is upserted
 * from exactly those — so a retried event is acknowledged without counting twice, and the counters always match
 * the stored events. Receipts and activity rows are written in key order, so two concurrent batches of one member
 * wait for each other instead of deadlocking.
 *
 * Events may be up to 30 days old, so some land in last month, for which startup creates no partition: they go
 * to the events table's default partition, which is correct for every query; ensureEventPartitions moves them
 * out if that month's partition is created later.
 *
 * The member row is share-locked first (members before member_metrics, the order a paid order takes): a batch
 * racing the member's erasure either commits before it (and is anonymised with the rest) or, once the erasure
 * has committed, stores nothing.
 */
async function storeEvents(database: Database, memberId: number, rows: EventRow[], now: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const receivedAt = now.toISOString();
  const config = await segmentationConfigAt(database.db, now);
  const stored = await execute<{ client_event_id: string }>(
    database.db,
    sql`with collecting as (
            select id from members where id = ${memberId} and privacy_consent_at is not null and deleted_at is null for share
          ), input as (
            select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(
              client_event_id text, type text, occurred_at timestamptz, page text, product_id bigint,
              category text, keyword text, dwell_ms int, payload jsonb)
            where exists (select 1 from collecting)
          ), receipt as (
            insert into event_receipts (member_id, client_event_id, received_at)
            select ${memberId}::bigint, client_event_id, ${receivedAt}::timestamptz from input order by client_event_id
            on conflict do nothing
            returning client_event_id
          ), stored as (
            insert into events (member_id, type, client_event_id, occurred_at, received_at, page, product_id, category, keyword, dwell_ms, payload)
            select ${memberId}::bigint, i.type, i.client_event_id, i.occurred_at, ${receivedAt}::timestamptz, i.page, i.product_id,
                   i.category, i.keyword, i.dwell_ms, i.payload
            from input i join receipt r on r.client_event_id = i.client_event_id
            returning member_id, client_event_id, type, occurred_at, dwell_ms, product_id
          ), ${sql.raw(foldEventPreferencesSql(now, config, memberId, 'stored'))}, activity as (
            insert into member_activity (member_id, event_type, event_count, dwell_ms_total, first_at, last_at)
            select ${memberId}::bigint, type, count(*), coalesce(sum(dwell_ms), 0), min(occurred_at), max(occurred_at)
            from stored group by type order by type
            on conflict (member_id, event_type) do update set
              event_count = member_activity.event_count + excluded.event_count,
              dwell_ms_total = member_activity.dwell_ms_total + excluded.dwell_ms_total,
              first_at = least(member_activity.first_at, excluded.first_at),
              last_at = greatest(member_activity.last_at, excluded.last_at)
          ), scored as (${sql.raw(activityUpdateSql(memberId, now, config))})
          select client_event_id from stored`,
  );
  return new Set(stored.map((row) => row.client_event_id));
}

/**
 * Keeps the member's activity score (shared activityScoreFromEvents: each event's points halved every half-life)
 * current as of `now` in the same statement as the events: the stored score decayed from its instant plus the
 * new events' points decayed from theirs — the sum the segment refresh would compute from the events — and the
 * behaviour state of that score. Product views, cart adds and favourites move the member's preference scores the
 * same way (preference_state, see foldEventPreferencesSql), and with them the top categories, brands and band.
 */
function activityUpdateSql(memberId: number, now: Date, config: SegmentationConfig): string {
  const at = instantSql(now);
  const { behaviour } = config;
  const score = `coalesce(mm.activity_score * ${activityDecayFactorSql('mm.activity_score_at', at, behaviour)}, 0) + s.points`;
  const ranked = preferenceRankingSql(now, config);
  return `update member_metrics mm set activity_score = ${score}, activity_score_at = ${at},
      behaviour = ${behaviourStateSql(score, behaviour)},
      top_categories = case when ps.member_id is null then mm.top_categories else ${ranked.categories} end,
      top_brands = case when ps.member_id is null then mm.top_brands else ${ranked.brands} end,
      price_band = case when ps.member_id is null then mm.price_band else ${ranked.band} end
    from (select sum(${activityEventPointsSql('type', '(dwell_ms / 1000.0)', behaviour)} * ${activityDecayFactorSql('occurred_at', at, behaviour)}) as points
          from stored) s
      left join preference_state ps on true
    where mm.member_id = ${memberId} and s.points is not null
    returning 1`;
}

/** Behaviour data is collected only from a member who accepted the privacy policy (PIPL); refused before anything is stored. */
async function assertCollectionConsent(database: Database, memberId: number): Promise<void> {
  const [member] = await execute<{ consented: boolean }>(
    database.db,
    sql`select privacy_consent_at is not null as consented from members where id = ${memberId} and deleted_at is null`,
  );
  if (!member?.consented) {
    throw new AppError('CONSENT_REQUIRED', '您尚未同意隐私政策，暂不记录浏览行为；同意后即可开始记录');
  }
}

/**
 * Consent check, triage (duplicates within the batch, clock skew), then one statement for receipts, events
 * and activity.
 */
export async function recordEvents(
  database: Database,
  memberId: number,
  events: readonly EventInput[],
  now: Date,
): Promise<EventBatchResponse> {
  await assertCollectionConsent(database, memberId);
  const batch = triageEvents(events, now);
  const storedIds = await storeEvents(database, memberId, batch.rows, now);
  const clampedEventIds = [...batch.clampedIds].filter((id) => storedIds.has(id));
  return {
    accepted: storedIds.size,
    duplicates: batch.duplicatesInBatch + (batch.rows.length - storedIds.size),
    clamped: clampedEventIds.length,
    clampedEventIds,
    rejected: batch.rejected,
  };
}
