import { Button, Text, View } from '@tarojs/components';
import Taro, { useLoad } from '@tarojs/taro';
import { useState } from 'react';
import { type MeResponse, type OrderView, formatYuan } from '@member-ops/shared';
import { shopApi } from '../../../services/shop-api';
import { askSubscriptions } from '../../../services/subscribe';
import { usePageTracking } from '../../../services/tracking';
import './index.css';

export default function PayResultPage() {
  usePageTracking('shop/pages/pay-result/index');
  const [order, setOrder] = useState<OrderView>();
  const [pointsEarned, setPointsEarned] = useState(0);
  const [me, setMe] = useState<MeResponse>();
  const [subscribed, setSubscribed] = useState<string>();

  useLoad((params: Record<string, string | undefined>) => {
    const id = Number(params.id);
    void (async () => {
      const [current, points, profile] = await Promise.all([shopApi.order(id), shopApi.points(1), shopApi.me()]);
      setOrder(current);
      setMe(profile);
      setPointsEarned(
        points.entries
          .filter((entry) => entry.orderId === id && entry.kind === 'earn')
          .reduce((sum, entry) => sum + entry.points, 0),
      );
    })();
  });

  const paid = order?.status === 'paid';
  return (
    <View className="page pay-result">
      <View className="card pay-result__head">
        <Text className={`pay-result__icon ${paid ? '' : 'pay-result__icon--wait'}`}>{paid ? '✓' : '…'}</Text>
        <Text className="pay-result__title" data-testid="pay-result-title">
          {order ? (paid ? '支付成功' : '等待支付结果') : '正在确认支付…'}
        </Text>
        {order && (
          <Text className="price price--large" data-testid="pay-result-amount">
            {formatYuan(order.paidFen || order.payableFen)}
          </Text>
        )}
      </View>
      {paid && (
        <View className="card">
          <View className="row">
            <Text className="row__label">本单获得积分</Text>
            <Text className="price" data-testid="points-earned">
              +{pointsEarned}
            </Text>
          </View>
          <View className="row">
            <Text className="row__label">当前积分</Text>
            <Text>{me?.pointsBalance ?? '-'}</Text>
          </View>
          <View className="row">
            <Text className="row__label">会员等级</Text>
            <Text>{me?.tierLabel ?? '-'}</Text>
          </View>
          {me?.tierProgress.upgradeHint && <Text className="muted small">{me.tierProgress.upgradeHint}</Text>}
        </View>
      )}
      {paid && (
        <View className="card pay-result__subscribe">
          <Text className="list-item__main">{subscribed ?? '订阅发货与积分到账提醒，第一时间获知订单进度'}</Text>
          {!subscribed && (
            <Button
              className="btn btn--plain btn--small"
              onClick={() =>
                void askSubscriptions('pay_result').then((answer) =>
                  setSubscribed(answer === 'accept' ? '已订阅提醒' : '已跳过订阅'),
                )
              }
            >
              订阅
            </Button>
          )}
        </View>
      )}
      <View className="pay-result__actions">
        <Button
          className="btn btn--plain"
          onClick={() => void Taro.redirectTo({ url: `/shop/pages/order/index?id=${order?.id ?? ''}` })}
        >
          查看订单
        </Button>
        <Button className="btn btn--primary" onClick={() => void Taro.switchTab({ url: '/pages/member/index' })}>
          会员中心
        </Button>
      </View>
    </View>
  );
}
