/** The demo shop seed: `seedDemoShop` loads it, `isShopEmpty` tells `npm start` whether this is a first run. */
export {
  DEFAULT_MEMBER_COUNT,
  DEFAULT_SEED,
  isShopEmpty,
  seedDemoShop,
  ShopNotEmptyError,
  type SeedDemoShopOptions,
  type SeedStage,
  type SeedSummary,
} from './seed-demo-shop';
export { DEMO_ADMIN, DEMO_OPERATOR, DEMO_SALES_REPS, DEMO_ACCOUNTS, DEMO_STORE_STAFF, type DemoStaffAccount } from './accounts';
export { DEMO_STORES } from './data/catalog-data';
export { HISTORY_MONTHS } from './calendar';
