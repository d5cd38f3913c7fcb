export { registerPaymentRoutes } from './payments.routes';
export { reconcilePendingPayments, requestPayment, settleTransaction, type ReconcileResult } from './payments.service';
export { requestRefund, resubmitPendingRefunds, type ResubmitRefundsResult } from './refunds.service';
export { settleRefund } from './refund-settlement';
export { handlePayNotification } from './notify';
export { recordAudit } from './audit';
