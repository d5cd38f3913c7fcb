/**
 * Flash-sale (秒杀) benchmark: `shoppers` signed-in members order one SKU with `stock` units at the same moment over
 * real HTTP. Prints orders accepted, sold-out answers, other errors, oversold units (from SQL afterwards; must be
 * 0) and latency percentiles. `runFlashSale` is the measurement alone, for a bench that runs its own server and shop
 * (e.g. the storefront bench on a generated shop): give it the server's URL, tokens, the SKU and the shop's database.
 */
import type { DatabaseKind } from '../../../server/src/db';
import { registerMoneyRoutes } from '../../../server/src/modules/payments/checkout.fixtures';
import {
  newShoppersWithSessions,
  runFlashSale,
  type FlashSaleOptions,
  type FlashSaleResult,
} from '../../../server/src/testing/flash-sale';
import { insertSku } from '../../../server/src/testing/fixtures';
import { startTestServer } from '../../../server/src/testing/server';

export { newShoppersWithSessions, runFlashSale, type FlashSaleOptions, type FlashSaleResult };

export interface FlashSaleBenchOptions {
  kind: DatabaseKind;
  /** Shoppers ordering at once (default 500). */
  shoppers?: number;
  /** Units of the SKU on sale (default 100). */
  stock?: number;
}

export type FlashSaleBenchResult = { database: DatabaseKind } & Omit<FlashSaleResult, 'answers'>;

/**
 * A fresh server (its own pool with the production size and limits) on a fresh database: one SKU, new shoppers
 * with sessions, the sale, and the figures without the per-shopper answers.
 */
export async function runFlashSaleBench(options: FlashSaleBenchOptions): Promise<FlashSaleBenchResult> {
  const test = await startTestServer(options.kind, { ownPool: true, registerRoutes: registerMoneyRoutes });
  try {
    const db = test.testDatabase.database.db;
    const { skuId } = await insertSku(db, { priceFen: 9_900, stock: options.stock ?? 100 });
    const shoppers = await newShoppersWithSessions(db, options.shoppers ?? 500, test.server.clock());
    const { answers: _answers, ...figures } = await runFlashSale({ baseUrl: test.url, shoppers, skuId, db });
    return { database: options.kind, ...figures };
  } finally {
    await test.stop();
  }
}
