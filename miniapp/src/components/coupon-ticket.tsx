import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { type ClaimableCouponsResponse, formatYuan } from '@member-ops/shared';

type Terms = ClaimableCouponsResponse['items'][number]['terms'];

/** The big figure on a coupon: "¥20" off, or "8.5折". */
export function couponFigure(terms: Terms): string {
  if (terms.type === 'free_shipping') return '包邮';
  if (terms.type === 'percent_off' && terms.percentOffBp !== null) return `${(10_000 - terms.percentOffBp) / 1000}折`;
  if (terms.amountOffFen !== null) return formatYuan(terms.amountOffFen, { trimZeros: true });
  return '券';
}

export function CouponTicket(props: { terms: Terms; name: string; detail: string; state?: string; action?: ReactNode }) {
  return (
    <View className={`coupon ${props.state ? `coupon--${props.state}` : ''}`} data-testid="coupon">
      <Text className="coupon__value">{couponFigure(props.terms)}</Text>
      <View className="coupon__body">
        <Text className="coupon__name">{props.name}</Text>
        <Text className="muted small">{props.detail}</Text>
      </View>
      {props.action && <View className="coupon__action">{props.action}</View>}
    </View>
  );
}
