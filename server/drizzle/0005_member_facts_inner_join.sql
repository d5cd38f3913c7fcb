DROP INDEX "member_metrics_lifecycle_idx";--> statement-breakpoint
CREATE INDEX "member_metrics_lifecycle_idx" ON "member_metrics" USING btree ("lifecycle","frequency_365");--> statement-breakpoint
-- Every member has a member_metrics row from the moment they exist, so member_facts can be an inner join over
-- plain columns, which lets audience rules use the member_metrics indexes (a LEFT JOIN with COALESCE could not).
-- Statement-level with a transition table, so a bulk load does one insert per statement, not per row.
CREATE FUNCTION "members_create_metrics"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_metrics (member_id) SELECT id FROM inserted_members ON CONFLICT (member_id) DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "members_create_metrics" AFTER INSERT ON "members"
  REFERENCING NEW TABLE AS inserted_members
  FOR EACH STATEMENT EXECUTE FUNCTION "members_create_metrics"();
--> statement-breakpoint
INSERT INTO member_metrics (member_id) SELECT id FROM members ON CONFLICT (member_id) DO NOTHING;
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
  mm.recency_days,
  mm.frequency_365,
  mm.monetary_365_fen,
  mm.rfm_r,
  mm.rfm_f,
  mm.rfm_m,
  mm.rfm_segment,
  mm.value_layer,
  mm.lifecycle,
  mm.behaviour,
  mm.activity_score,
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
WHERE m.deleted_at IS NULL;
