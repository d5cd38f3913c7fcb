/** Coupons: claim centre, wallet, best-coupon suggestion, in-store redemption, and issuing for other modules. */
export { registerCouponRoutes } from './coupons.routes';
export { issueCoupon, type IssueCouponInput, type IssueDecision } from './issue';
export { couponForCheckout, lockCouponForOrder, markCouponUsed, releaseCoupon, type MarkUsedDecision } from './order-coupon';
export { describeCouponTerms, termsOf } from './coupon-terms';
export type { CouponRow } from './coupons.repo';
export { wallet } from './coupons.service';
