CREATE TABLE "product_best_sellers" (
	"product_id" bigint PRIMARY KEY NOT NULL,
	"units_30" bigint NOT NULL,
	"units_90" bigint NOT NULL,
	"rank" integer NOT NULL,
	CONSTRAINT "product_best_sellers_values_check" CHECK ("product_best_sellers"."units_30" >= 0 and "product_best_sellers"."units_90" >= "product_best_sellers"."units_30" and "product_best_sellers"."rank" > 0)
);
--> statement-breakpoint
CREATE TABLE "product_neighbours" (
	"product_id" bigint NOT NULL,
	"neighbour_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"co_count" integer NOT NULL,
	"score" double precision NOT NULL,
	"rank" integer NOT NULL,
	CONSTRAINT "product_neighbours_product_id_kind_neighbour_id_pk" PRIMARY KEY("product_id","kind","neighbour_id"),
	CONSTRAINT "product_neighbours_kind_check" CHECK ("product_neighbours"."kind" in ('co_purchase', 'co_view')),
	CONSTRAINT "product_neighbours_not_self_check" CHECK ("product_neighbours"."neighbour_id" <> "product_neighbours"."product_id"),
	CONSTRAINT "product_neighbours_values_check" CHECK ("product_neighbours"."co_count" > 0 and "product_neighbours"."score" > 0 and "product_neighbours"."rank" > 0)
);
--> statement-breakpoint
ALTER TABLE "product_best_sellers" ADD CONSTRAINT "product_best_sellers_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_neighbours" ADD CONSTRAINT "product_neighbours_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_neighbours" ADD CONSTRAINT "product_neighbours_neighbour_id_products_id_fk" FOREIGN KEY ("neighbour_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "product_best_sellers_rank_key" ON "product_best_sellers" USING btree ("rank");--> statement-breakpoint
CREATE UNIQUE INDEX "product_neighbours_rank_key" ON "product_neighbours" USING btree ("product_id","kind","rank");