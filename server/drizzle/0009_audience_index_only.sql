DROP INDEX "members_tier_idx";--> statement-breakpoint
DROP INDEX "member_metrics_lifecycle_idx";--> statement-breakpoint
CREATE INDEX "members_tier_idx" ON "members" USING btree ("tier","id") WHERE "members"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "member_metrics_lifecycle_idx" ON "member_metrics" USING btree ("lifecycle","frequency_365","member_id");