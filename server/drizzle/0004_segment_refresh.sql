ALTER TABLE "member_metrics" ADD COLUMN "recency_days" integer;
--> statement-breakpoint
-- R is stored by the segment refresh as of its as-of time (whole 24 h periods, the shared RFM rule); rows
-- classified before get it from their last classification time.
UPDATE "member_metrics" SET "recency_days" = floor((extract(epoch from "segments_as_of") - extract(epoch from "last_order_at")) / 86400)::int
WHERE "frequency_365" > 0 AND "last_order_at" <= "segments_as_of";
--> statement-breakpoint
ALTER TABLE "member_metrics" ADD CONSTRAINT "member_metrics_recency_days_check" CHECK ("member_metrics"."recency_days" >= 0);
--> statement-breakpoint
-- Value-layer cut points are [mid, high] (the order shared valueLayerCutPointsSql returns); rows written the
-- other way round before are put in that order.
UPDATE "segment_stats" SET "value_layer_cuts" = ARRAY["value_layer_cuts"[2], "value_layer_cuts"[1]]
WHERE "value_layer_cuts"[1] > "value_layer_cuts"[2];
--> statement-breakpoint
ALTER TABLE "segment_stats" ADD CONSTRAINT "segment_stats_value_layer_order_check" CHECK ("segment_stats"."value_layer_cuts"[1] <= "segment_stats"."value_layer_cuts"[2]);
--> statement-breakpoint
-- member_facts exposes the stored recency instead of computing Shanghai calendar days from now().
CREATE OR REPLACE VIEW "member_facts" AS
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
  mm.recency_days,
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
