export { registerPaymentRoutes } from './payments.routes';
export { requestPayment, settleTransaction } from './payments.service';
export { reconcilePendingPayments, type ReconcileResult } from './reconcile';
export { CLOSE_GRACE_MS, expireUnpaidOrders, type ExpiryResult } from './unpaid-expiry';
export { requestRefund, resubmitPendingRefunds, type ResubmitRefundsResult } from './refunds.service';
export { settleRefund } from './refund-settlement';
export { handlePayNotification } from './notify';
export { recordAudit } from './audit';
