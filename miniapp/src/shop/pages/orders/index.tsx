import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { z } from 'zod';
import { type OrderListResponse, formatYuan } from '@member-ops/shared';
import { ORDER_STATUS_LABELS, shanghaiDateTime } from '../../../services/labels';
import { shopApi } from '../../../services/shop-api';
import { usePageTracking } from '../../../services/tracking';

export default function OrdersPage() {
  usePageTracking('shop/pages/orders/index');
  const [orders, setOrders] = useState<z.infer<typeof OrderListResponse>['orders']>();
  useDidShow(() => {
    void shopApi.orders(1).then((list) => setOrders(list.orders));
  });
  if (orders && orders.length === 0) {
    return (
      <View className="page">
        <View className="empty-state">
          <Text>还没有订单</Text>
        </View>
      </View>
    );
  }
  return (
    <View className="page">
      {(orders ?? []).map((order) => (
        <View
          key={order.id}
          className="card"
          data-testid="order-card"
          onClick={() => void Taro.navigateTo({ url: `/shop/pages/order/index?id=${order.id}` })}
        >
          <View className="row">
            <Text className="muted small">{shanghaiDateTime(order.createdAt)}</Text>
            <Text className="price small">
              {ORDER_STATUS_LABELS[order.status]}
              {order.refundedOrRefunding && order.status === 'paid' ? ' · 有退款' : ''}
            </Text>
          </View>
          <View className="row">
            <Text>共 {order.itemCount} 件商品</Text>
            <Text className="price">{formatYuan(order.paidFen || order.payableFen)}</Text>
          </View>
        </View>
      ))}
    </View>
  );
}
