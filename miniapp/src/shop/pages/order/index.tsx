import { Button, Text, View } from '@tarojs/components';
import Taro, { useLoad } from '@tarojs/taro';
import { useState } from 'react';
import { type OrderView, formatYuan } from '@member-ops/shared';
import { ORDER_STATUS_LABELS, REFUND_STATUS_LABELS, shanghaiDateTime } from '../../../services/labels';
import { payOrder } from '../../../services/payment';
import { shopApi } from '../../../services/shop-api';
import { usePageTracking } from '../../../services/tracking';

export default function OrderPage() {
  usePageTracking('shop/pages/order/index');
  const [order, setOrder] = useState<OrderView>();
  const [paying, setPaying] = useState(false);
  useLoad((params: Record<string, string | undefined>) => {
    void shopApi.order(Number(params.id)).then(setOrder);
  });
  if (!order) {
    return (
      <View className="page">
        <View className="empty-state">
          <Text>加载中…</Text>
        </View>
      </View>
    );
  }
  const amounts: [string, number, boolean][] = [
    ['商品金额', order.itemsTotalFen, false],
    ['运费', order.shippingFen, false],
    ['优惠券', order.couponDiscountFen, true],
    [`积分抵扣（${order.pointsUsed} 积分）`, order.pointsDiscountFen, true],
  ];
  return (
    <View className="page">
      <View className="card">
        <View className="row">
          <Text className="card__title">{ORDER_STATUS_LABELS[order.status]}</Text>
          <Text className="muted small">{shanghaiDateTime(order.createdAt)}</Text>
        </View>
        <Text className="muted small">订单号 {order.orderNo}</Text>
      </View>
      {order.address && (
        <View className="card">
          <Text className="card__title">
            {order.address.name} {order.address.phoneMasked}
          </Text>
          <Text className="muted">
            {order.address.province} {order.address.city} {order.address.district} {order.address.detail}
          </Text>
        </View>
      )}
      <View className="card">
        {order.items.map((item) => (
          <View key={item.id} className="row">
            <Text className="list-item__main list-item__title">
              {item.title} × {item.quantity}
            </Text>
            <Text>{formatYuan(item.lineTotalFen)}</Text>
          </View>
        ))}
      </View>
      <View className="card">
        {amounts.map(([label, fen, discount]) => (
          <View key={label} className="row">
            <Text className="row__label">{label}</Text>
            <Text className={discount ? 'price' : ''}>{`${discount ? '-' : ''}${formatYuan(fen)}`}</Text>
          </View>
        ))}
        <View className="row">
          <Text>{order.status === 'pending' ? '应付' : '实付'}</Text>
          <Text className="price price--large">{formatYuan(order.paidFen || order.payableFen)}</Text>
        </View>
      </View>
      {order.refunds.length > 0 && (
        <View className="card">
          <Text className="card__title">退款</Text>
          {order.refunds.map((refund) => (
            <View key={refund.id} className="row">
              <Text>
                {REFUND_STATUS_LABELS[refund.status]} {refund.reason ?? ''}
              </Text>
              <Text className="price">{formatYuan(refund.amountFen)}</Text>
            </View>
          ))}
        </View>
      )}
      {order.status === 'pending' && (
        <Button
          className="btn btn--primary"
          loading={paying || undefined}
          onClick={() => {
            setPaying(true);
            void payOrder(order)
              .then((paid) => Taro.redirectTo({ url: `/shop/pages/pay-result/index?id=${paid.id}` }))
              .finally(() => setPaying(false));
          }}
        >
          去支付
        </Button>
      )}
    </View>
  );
}
