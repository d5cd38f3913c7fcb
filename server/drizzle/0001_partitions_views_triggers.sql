-- What drizzle-kit cannot declare. Each statement is separated by a breakpoint because PGlite runs one
-- statement per query. Written for PostgreSQL 15 (the oldest supported server).

-- Events: the table is PARTITION BY RANGE (occurred_at) (see 0000). The default partition takes any month
-- without its own partition; ensure_event_partitions() adds monthly ones.
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;
--> statement-breakpoint

-- Creates the monthly partitions events_pYYYYMM (Asia/Shanghai calendar months) for `months` months from
-- the month containing `from_day`. Rows of such a month already sitting in the default partition are moved
-- into the new partition, so this is safe to run at any time; existing partitions are left alone.
-- Returns how many partitions it created.
CREATE FUNCTION "ensure_event_partitions"(from_day date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_month date := date_trunc('month', from_day)::date;
  month_start date;
  lower_bound timestamptz;
  upper_bound timestamptz;
  partition_name text;
  created integer := 0;
BEGIN
  FOR i IN 0 .. months - 1 LOOP
    month_start := (first_month + make_interval(months => i))::date;
    partition_name := 'events_p' || to_char(month_start, 'YYYYMM');
    CONTINUE WHEN to_regclass(quote_ident(partition_name)) IS NOT NULL;
    lower_bound := make_timestamptz(extract(year FROM month_start)::int, extract(month FROM month_start)::int, 1, 0, 0, 0, 'Asia/Shanghai');
    upper_bound := lower_bound + interval '1 month';
    CREATE TEMP TABLE events_moving (LIKE events) ON COMMIT DROP;
    WITH moved AS (
      DELETE FROM events_default WHERE occurred_at >= lower_bound AND occurred_at < upper_bound RETURNING *
    )
    INSERT INTO events_moving SELECT * FROM moved;
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', partition_name, lower_bound, upper_bound);
    INSERT INTO events SELECT * FROM events_moving;
    DROP TABLE events_moving;
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;
--> statement-breakpoint

-- RFM and growth value read paid orders per member in a time window; this index answers them without
-- touching the table (Drizzle cannot declare INCLUDE).
CREATE INDEX "orders_member_paid_covering_idx" ON "orders" USING btree ("member_id", "paid_at")
  INCLUDE ("paid_fen", "refunded_fen")
  WHERE "status" IN ('paid', 'refunding', 'refunded', 'partially_refunded');
--> statement-breakpoint

-- The read model for audiences and segment rules. Members without a metrics row have never bought, so their
-- aggregates are zero and their lifecycle is 'prospect'. recency_days counts Shanghai calendar days to now.
CREATE VIEW "member_facts" AS
SELECT
  m.id AS member_id,
  m.gender,
  m.birthday,
  m.region,
  m.store_id,
  m.source_channel,
  m.registered_at,
  (m.phone_hash IS NOT NULL) AS has_phone,
  m.tier,
  COALESCE(mm.growth_value_fen, 0::bigint) AS growth_value_fen,
  COALESCE(mm.points_balance, 0) AS points_balance,
  ((now() AT TIME ZONE 'Asia/Shanghai')::date - (mm.last_order_at AT TIME ZONE 'Asia/Shanghai')::date) AS recency_days,
  COALESCE(mm.frequency_365, 0) AS frequency_365,
  COALESCE(mm.monetary_365_fen, 0::bigint) AS monetary_365_fen,
  mm.rfm_r,
  mm.rfm_f,
  mm.rfm_m,
  mm.rfm_segment,
  mm.value_layer,
  COALESCE(mm.lifecycle, 'prospect') AS lifecycle,
  mm.behaviour,
  COALESCE(mm.activity_score, 0::double precision) AS activity_score,
  COALESCE(mm.top_categories, '{}'::text[]) AS top_categories,
  COALESCE(mm.top_brands, '{}'::text[]) AS top_brands,
  mm.price_band,
  m.tags,
  mm.p_alive,
  mm.expected_purchases_90,
  mm.expected_value_365_fen,
  mm.last_order_at,
  mm.first_order_at,
  COALESCE(mm.orders_total, 0) AS orders_total,
  COALESCE(mm.spend_total_fen, 0::bigint) AS spend_total_fen
FROM "members" m
LEFT JOIN "member_metrics" mm ON mm.member_id = m.id
WHERE m.deleted_at IS NULL;
--> statement-breakpoint

-- The points balance is a cache of the ledger kept by the database itself: every inserted entry is added
-- to member_metrics.points_balance in the same statement, so balance = sum of entries cannot drift.
-- Statement-level with a transition table, so a bulk import does one upsert per member, not per row.
CREATE FUNCTION "points_ledger_apply_to_balance"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_metrics (member_id, points_balance)
  SELECT member_id, sum(points)::integer FROM inserted_entries GROUP BY member_id
  ON CONFLICT (member_id) DO UPDATE SET points_balance = member_metrics.points_balance + EXCLUDED.points_balance;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "points_ledger_apply_to_balance" AFTER INSERT ON "points_ledger"
  REFERENCING NEW TABLE AS inserted_entries
  FOR EACH STATEMENT EXECUTE FUNCTION "points_ledger_apply_to_balance"();
--> statement-breakpoint

-- Only the ledger trigger above may change a balance: a direct write would break balance = sum of entries.
-- pg_trigger_depth() is 0 for a statement run by the application and 1 inside the ledger trigger.
CREATE FUNCTION "refuse_direct_balance_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'member_metrics.points_balance changes only through points_ledger' USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "member_metrics_balance_insert_guard" BEFORE INSERT ON "member_metrics"
  FOR EACH ROW WHEN (pg_trigger_depth() = 0 AND NEW.points_balance <> 0)
  EXECUTE FUNCTION "refuse_direct_balance_change"();
--> statement-breakpoint
CREATE TRIGGER "member_metrics_balance_update_guard" BEFORE UPDATE OF "points_balance" ON "member_metrics"
  FOR EACH ROW WHEN (pg_trigger_depth() = 0 AND NEW.points_balance IS DISTINCT FROM OLD.points_balance)
  EXECUTE FUNCTION "refuse_direct_balance_change"();
--> statement-breakpoint

-- Append-only tables: corrections are new rows (an `adjust` entry), never edits.
CREATE FUNCTION "refuse_append_only_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "points_ledger_append_only" BEFORE UPDATE OR DELETE ON "points_ledger"
  FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
