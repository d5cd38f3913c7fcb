CREATE TABLE "sign_in_throttles" (
	"account_key" text NOT NULL,
	"client_ip" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	CONSTRAINT "sign_in_throttles_account_key_client_ip_pk" PRIMARY KEY("account_key","client_ip"),
	CONSTRAINT "sign_in_throttles_failures_check" CHECK ("sign_in_throttles"."failures" >= 0)
);
--> statement-breakpoint
ALTER TABLE "staff_accounts" DROP CONSTRAINT "staff_accounts_failed_login_count_check";--> statement-breakpoint
CREATE INDEX "sign_in_throttles_last_failure_idx" ON "sign_in_throttles" USING btree ("last_failure_at");--> statement-breakpoint
ALTER TABLE "staff_accounts" DROP COLUMN "failed_login_count";--> statement-breakpoint
ALTER TABLE "staff_accounts" DROP COLUMN "locked_until";