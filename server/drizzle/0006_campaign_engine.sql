ALTER TABLE "member_triggers" DROP CONSTRAINT "member_triggers_kind_check";--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "exclude_contacted_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_exclude_contacted_check" CHECK ("campaigns"."exclude_contacted_days" >= 0);--> statement-breakpoint
ALTER TABLE "member_triggers" ADD CONSTRAINT "member_triggers_kind_check" CHECK ("member_triggers"."kind" in ('first_purchase', 'tier_up', 'tier_down', 'points_expiring'));--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_ops_holdout_hash(input text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  bytes bytea := convert_to(input, 'UTF8');
  h bigint := 2166136261;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    h := ((h # get_byte(bytes, i)) * 16777619) & 4294967295;
  END LOOP;
  h := h # (h >> 16);
  h := (h * 51819 + (((h * 34283) & 65535) << 16)) & 4294967295;
  h := h # (h >> 13);
  h := (h * 44597 + (((h * 49842) & 65535) << 16)) & 4294967295;
  h := h # (h >> 16);
  RETURN h;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION member_ops_in_holdout(campaign_id text, member_id text, threshold integer)
RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT member_ops_holdout_hash(campaign_id || ':' || member_id) % 10000 < threshold
$$;
