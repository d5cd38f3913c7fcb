ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_status_check";--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_sent_has_time_check";--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_holdout_not_sent_check";--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_status_check" CHECK ("deliveries"."status" in ('pending', 'deferred', 'sent', 'unknown', 'skipped', 'failed'));--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_sent_has_time_check" CHECK (("deliveries"."status" in ('sent', 'unknown')) = ("deliveries"."sent_at" is not null));--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_holdout_not_sent_check" CHECK (not ("deliveries"."holdout" and "deliveries"."status" in ('sent', 'unknown')));--> statement-breakpoint
-- Messages an earlier version failed as interrupted were handed to WeChat and may have been delivered: they become
-- unknown outcomes (the instant they were recovered stands in for the unrecorded send time) and use their credit.
WITH "recovered" AS (
  UPDATE "deliveries" SET "status" = 'unknown', "sent_at" = "updated_at"
  WHERE "status" = 'failed' AND "skip_reason" = 'interrupted' AND "channel" = 'subscribe_message'
  RETURNING "member_id", "step_id"
), "used" AS (
  SELECT r."member_id", s."action"->>'templateId' AS "template_id", count(*)::int AS "n"
  FROM "recovered" r JOIN "campaign_steps" s ON s."id" = r."step_id"
  GROUP BY 1, 2
)
UPDATE "subscription_credits" c SET "credits" = greatest(c."credits" - u."n", 0)
FROM "used" u WHERE c."member_id" = u."member_id" AND c."template_id" = u."template_id";
