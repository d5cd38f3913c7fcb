CREATE TABLE "member_preferences" (
	"member_id" bigint PRIMARY KEY NOT NULL,
	"scores_at" timestamp with time zone NOT NULL,
	"category_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"category_scores" double precision[] DEFAULT '{}'::float8[] NOT NULL,
	"brand_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"brand_scores" double precision[] DEFAULT '{}'::float8[] NOT NULL,
	"band_scores" double precision[] DEFAULT '{0,0,0}'::float8[] NOT NULL,
	CONSTRAINT "member_preferences_arrays_check" CHECK (cardinality("member_preferences"."category_codes") = cardinality("member_preferences"."category_scores") and cardinality("member_preferences"."brand_codes") = cardinality("member_preferences"."brand_scores") and cardinality("member_preferences"."band_scores") = 3)
);
--> statement-breakpoint
ALTER TABLE "member_preferences" ADD CONSTRAINT "member_preferences_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;