CREATE TABLE "product_sales" (
	"product_id" bigint PRIMARY KEY NOT NULL,
	"sold_units" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product_sales" ADD CONSTRAINT "product_sales_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- product_sales holds, per product, the units of order lines whose order's status is in PAID_ORDER_STATUSES
-- (server/src/db/schema/codes.ts), net of refunded units. Statement triggers with transition tables keep it exact
-- under every write: a bulk insert of lines costs one set-based upsert, not a call per row. Rows are upserted in
-- product_id order, so concurrent payments touching the same products lock them in the same order.
--
-- Orders are deleted after their lines (order_items.order_id has no ON DELETE CASCADE): the line delete is counted
-- while its order still says whether it was paid, and the order delete has nothing left to count. TRUNCATE of
-- order_items (also by TRUNCATE orders … CASCADE) sets every count to zero. Loads that bypass triggers
-- (session_replication_role = replica) call rebuildProductSales afterwards.
CREATE FUNCTION product_sales_add_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO product_sales (product_id) SELECT n.id FROM new_rows n ORDER BY n.id ON CONFLICT (product_id) DO NOTHING;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER products_add_sales AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_sales_add_products();--> statement-breakpoint
-- Lines inserted, changed or deleted: ± their units for the lines whose order is paid. The orders are locked
-- (FOR SHARE, in id order) and their status read after the lock, so a concurrent transaction moving one of them into
-- or out of the paid set either waits for this one (and then counts these lines) or is waited for (and its status
-- is the one read here).
CREATE FUNCTION product_sales_apply_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH changed AS (
      SELECT n.order_id, n.product_id, n.quantity - n.refunded_quantity AS units FROM new_rows n
    ), locked AS (
      SELECT o.id, o.status FROM orders o WHERE o.id IN (SELECT c.order_id FROM changed c) ORDER BY o.id FOR SHARE
    )
    INSERT INTO product_sales AS s (product_id, sold_units, updated_at)
      SELECT c.product_id, sum(c.units), now() FROM changed c JOIN locked l ON l.id = c.order_id
      WHERE l.status IN ('paid', 'refunding', 'refunded', 'partially_refunded')
      GROUP BY c.product_id HAVING sum(c.units) <> 0 ORDER BY c.product_id
      ON CONFLICT (product_id) DO UPDATE SET sold_units = s.sold_units + excluded.sold_units, updated_at = excluded.updated_at;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH changed AS (
      SELECT n.order_id, n.product_id, n.quantity - n.refunded_quantity AS units FROM new_rows n
      UNION ALL
      SELECT o.order_id, o.product_id, o.refunded_quantity - o.quantity FROM old_rows o
    ), locked AS (
      SELECT o.id, o.status FROM orders o WHERE o.id IN (SELECT c.order_id FROM changed c) ORDER BY o.id FOR SHARE
    )
    INSERT INTO product_sales AS s (product_id, sold_units, updated_at)
      SELECT c.product_id, sum(c.units), now() FROM changed c JOIN locked l ON l.id = c.order_id
      WHERE l.status IN ('paid', 'refunding', 'refunded', 'partially_refunded')
      GROUP BY c.product_id HAVING sum(c.units) <> 0 ORDER BY c.product_id
      ON CONFLICT (product_id) DO UPDATE SET sold_units = s.sold_units + excluded.sold_units, updated_at = excluded.updated_at;
  ELSE
    WITH changed AS (
      SELECT o.order_id, o.product_id, o.refunded_quantity - o.quantity AS units FROM old_rows o
    ), locked AS (
      SELECT o.id, o.status FROM orders o WHERE o.id IN (SELECT c.order_id FROM changed c) ORDER BY o.id FOR SHARE
    )
    INSERT INTO product_sales AS s (product_id, sold_units, updated_at)
      SELECT c.product_id, sum(c.units), now() FROM changed c JOIN locked l ON l.id = c.order_id
      WHERE l.status IN ('paid', 'refunding', 'refunded', 'partially_refunded')
      GROUP BY c.product_id HAVING sum(c.units) <> 0 ORDER BY c.product_id
      ON CONFLICT (product_id) DO UPDATE SET sold_units = s.sold_units + excluded.sold_units, updated_at = excluded.updated_at;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER order_items_sales_inserted AFTER INSERT ON order_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_sales_apply_lines();--> statement-breakpoint
CREATE TRIGGER order_items_sales_updated AFTER UPDATE ON order_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_sales_apply_lines();--> statement-breakpoint
CREATE TRIGGER order_items_sales_deleted AFTER DELETE ON order_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION product_sales_apply_lines();--> statement-breakpoint
-- Orders entering the paid set add their lines' units, orders leaving it take them away. Moves within the set
-- (paid → refunding → partially_refunded …) change nothing here: refunded units arrive on the lines. Writers run in
-- READ COMMITTED and change an order's status and its lines in separate statements (one statement doing both through
-- data-modifying CTEs would count the lines' change twice).
CREATE FUNCTION product_sales_apply_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id, CASE WHEN n.status IN ('paid', 'refunding', 'refunded', 'partially_refunded') THEN 1 ELSE -1 END AS sign
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.status IN ('paid', 'refunding', 'refunded', 'partially_refunded')) <> (o.status IN ('paid', 'refunding', 'refunded', 'partially_refunded'))
  )
  INSERT INTO product_sales AS s (product_id, sold_units, updated_at)
    SELECT i.product_id, sum(m.sign * (i.quantity - i.refunded_quantity)), now()
    FROM moved m JOIN order_items i ON i.order_id = m.id
    GROUP BY i.product_id HAVING sum(m.sign * (i.quantity - i.refunded_quantity)) <> 0 ORDER BY i.product_id
    ON CONFLICT (product_id) DO UPDATE SET sold_units = s.sold_units + excluded.sold_units, updated_at = excluded.updated_at;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER orders_sales_updated AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_sales_apply_orders();--> statement-breakpoint
CREATE FUNCTION product_sales_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE product_sales SET sold_units = 0, updated_at = now() WHERE sold_units <> 0;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER order_items_sales_truncated AFTER TRUNCATE ON order_items
  FOR EACH STATEMENT EXECUTE FUNCTION product_sales_clear();--> statement-breakpoint
-- The counts of the orders already there (rebuildProductSales's statement).
INSERT INTO product_sales (product_id, sold_units)
  SELECT p.id, coalesce(sold.units, 0) FROM products p
  LEFT JOIN (
    SELECT i.product_id, sum(i.quantity - i.refunded_quantity) AS units
    FROM order_items i JOIN orders o ON o.id = i.order_id
    WHERE o.status IN ('paid', 'refunding', 'refunded', 'partially_refunded')
    GROUP BY i.product_id
  ) sold ON sold.product_id = p.id
  ORDER BY p.id;
