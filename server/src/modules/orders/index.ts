export { registerOrderRoutes } from './orders.routes';
export { createOrder, newOrderNo } from './orders.service';
export { dueUnpaidOrders, expirePendingOrders, type DueOrder } from './order-expiry';
export { applyPaidOrder, refreshGrowthValue, type PaidOrderResult } from './paid-order';
export { lockOrder, type LockedOrder } from './orders.repo';
export { FREE_SHIPPING_THRESHOLD_FEN, SHIPPING_FEE_FEN, UNPAID_ORDER_TTL_MS, priceOrder } from './pricing';
