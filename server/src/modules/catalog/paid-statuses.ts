import { sql } from 'drizzle-orm';
import { PAID_ORDER_STATUSES } from '../../db/schema';

/** `status in ('paid', …)`: constants written literally, so the planner can use the partial indexes. */
export const PAID_STATUS_LIST = sql.raw(PAID_ORDER_STATUSES.map((status) => `'${status}'`).join(', '));
