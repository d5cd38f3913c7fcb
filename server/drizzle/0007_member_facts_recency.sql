-- R in member_facts counts whole 24 h periods from the last counted order to the instant of the last segment
-- refresh (kept in kv_settings by every refresh), so a refresh need not rewrite every buyer's row each day to
-- move R on: it writes only the members whose classification changed. Likewise the activity score shown is the
-- stored one decayed to that instant with the half-life the refresh used. Before any refresh, stored values show.
INSERT INTO kv_settings (key, value)
SELECT 'segments.as_of', jsonb_build_object('asOf', max(as_of), 'activityHalfLifeDays', 14)
FROM segment_stats HAVING max(as_of) IS NOT NULL
ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
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
  mm.growth_value_fen,
  mm.points_balance,
  CASE WHEN mm.frequency_365 = 0 THEN NULL
    WHEN clock.as_of IS NULL THEN mm.recency_days
    ELSE greatest(0, floor((extract(epoch from clock.as_of) - extract(epoch from mm.last_order_at)) / 86400)::integer)
  END AS recency_days,
  mm.frequency_365,
  mm.monetary_365_fen,
  mm.rfm_r,
  mm.rfm_f,
  mm.rfm_m,
  mm.rfm_segment,
  mm.value_layer,
  mm.lifecycle,
  mm.behaviour,
  CASE WHEN clock.as_of IS NULL OR mm.activity_score_at IS NULL OR mm.activity_score_at >= clock.as_of THEN mm.activity_score
    ELSE mm.activity_score * power(0.5::float8,
      (extract(epoch from clock.as_of) - extract(epoch from mm.activity_score_at))::float8 / (clock.half_life_days * 86400))
  END AS activity_score,
  mm.top_categories,
  mm.top_brands,
  mm.price_band,
  m.tags,
  mm.p_alive,
  mm.expected_purchases_90,
  mm.expected_value_365_fen,
  mm.last_order_at,
  mm.first_order_at,
  mm.orders_total,
  mm.spend_total_fen
FROM "members" m
JOIN "member_metrics" mm ON mm.member_id = m.id
LEFT JOIN (
  SELECT (value->>'asOf')::timestamptz AS as_of, (value->>'activityHalfLifeDays')::float8 AS half_life_days
  FROM "kv_settings" WHERE key = 'segments.as_of'
) clock ON true
WHERE m.deleted_at IS NULL;
