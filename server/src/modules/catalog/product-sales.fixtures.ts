import { sql } from 'drizzle-orm';
import { execute, type Executor } from '../../db';
import { rebuildProductSales, soldUnitsSql } from './product-sales';

export interface SoldUnits extends Record<string, unknown> {
  product_id: number;
  sold_units: number;
}

/** Every product's units sold as the catalogue reads them (its product_sales row plus its changes), by product. */
export async function productSalesTable(executor: Executor): Promise<SoldUnits[]> {
  return execute<SoldUnits>(
    executor,
    sql`select s.product_id, ${soldUnitsSql(sql`s.product_id`)} as sold_units from product_sales s order by s.product_id`,
  );
}

/**
 * The table as the triggers kept it, and as rebuildProductSales recomputes it from scratch right after; a test
 * expects the two to be equal. The rebuild leaves the recomputed table in place.
 */
export async function keptAndRebuiltSales(executor: Executor): Promise<{ kept: SoldUnits[]; rebuilt: SoldUnits[] }> {
  const kept = await productSalesTable(executor);
  await rebuildProductSales(executor);
  return { kept, rebuilt: await productSalesTable(executor) };
}

/** Units sold of one product as the catalogue reads them (0 without a row or changes). */
export async function soldUnitsOf(executor: Executor, productId: number): Promise<number> {
  const [row] = await execute<{ units: number }>(executor, sql`select ${soldUnitsSql(sql`${productId}::int8`)} as units`);
  return row?.units ?? 0;
}

/** Every table a query plan reads, from EXPLAIN (FORMAT JSON) on either driver. */
export async function relationsRead(executor: Executor, query: ReturnType<typeof sql>): Promise<string[]> {
  const [row] = await execute<{ 'QUERY PLAN': unknown }>(executor, sql`explain (format json) ${query}`);
  const raw = row?.['QUERY PLAN'];
  const plans = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const found = new Set<string>();
  const walk = (node: PlanNode) => {
    if (node['Relation Name']) found.add(node['Relation Name']);
    for (const child of node.Plans ?? []) walk(child);
  };
  for (const plan of plans) walk(plan.Plan);
  return [...found].sort();
}

interface PlanNode {
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
