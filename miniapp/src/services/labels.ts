import type { OrderView } from '@member-ops/shared';

export const ORDER_STATUS_LABELS: Record<OrderView['status'], string> = {
  pending: '待支付',
  paid: '已支付',
  cancelled: '已取消',
  expired: '已超时关闭',
  refunding: '退款中',
  refunded: '已退款',
  partially_refunded: '部分退款',
};

export const REFUND_STATUS_LABELS: Record<OrderView['refunds'][number]['status'], string> = {
  pending: '退款申请中',
  processing: '退款处理中',
  succeeded: '退款成功',
  failed: '退款失败',
};

/** "2026-11-20 12:00" in Shanghai time, whatever the phone's time zone. */
export function shanghaiDateTime(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + 8 * 60 * 60 * 1000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}
