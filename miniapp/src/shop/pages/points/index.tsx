import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { z } from 'zod';
import type { PointsResponse } from '@member-ops/shared';
import { shanghaiDateTime } from '../../../services/labels';
import { shopApi } from '../../../services/shop-api';
import { track, usePageTracking } from '../../../services/tracking';
import './index.css';

type Points = z.infer<typeof PointsResponse>;

const KIND_LABELS: Record<Points['entries'][number]['kind'], string> = {
  earn: '购物获得',
  sign_in: '每日签到',
  bonus: '奖励',
  refund_return: '退款退回',
  spend: '抵扣消费',
  expire: '积分过期',
  clawback: '退款扣回',
  adjust: '人工调整',
};

export default function PointsPage() {
  usePageTracking('shop/pages/points/index');
  const [points, setPoints] = useState<Points>();
  const [signing, setSigning] = useState(false);
  const load = () => void shopApi.points(1).then(setPoints);
  useDidShow(load);

  const signIn = async () => {
    setSigning(true);
    try {
      const result = await shopApi.signIn();
      if (!result.alreadySignedIn) track({ type: 'sign_in', payload: { streak: result.streak } });
      void Taro.showToast({
        title: result.alreadySignedIn ? '今天已签到' : `签到成功 +${result.pointsEarned}`,
        icon: result.alreadySignedIn ? 'none' : 'success',
      });
      load();
    } finally {
      setSigning(false);
    }
  };

  return (
    <View className="page">
      <View className="card points__head">
        <Text className="muted small">可用积分</Text>
        <Text className="points__balance" data-testid="points-balance">
          {points?.available ?? '-'}
        </Text>
        {points && points.expiringSoon.points > 0 && points.expiringSoon.earliestExpiresAt && (
          <Text className="small points__expiry">
            {points.expiringSoon.points} 积分将于 {shanghaiDateTime(points.expiringSoon.earliestExpiresAt).slice(0, 10)} 过期
          </Text>
        )}
        <Button
          className="btn btn--primary btn--small points__sign"
          data-testid="sign-in"
          loading={signing || undefined}
          onClick={() => void signIn()}
        >
          每日签到
        </Button>
        <Text className="muted small">每天签到 +5，连续 7 天额外 +20；100 积分可抵 ¥1</Text>
      </View>
      <View className="card">
        <Text className="card__title">积分明细</Text>
        {(points?.entries ?? []).map((entry) => (
          <View key={entry.id} className="list-item">
            <View className="list-item__main">
              <Text className="list-item__title">{entry.note ?? KIND_LABELS[entry.kind]}</Text>
              <Text className="muted small">{shanghaiDateTime(entry.occurredAt)}</Text>
            </View>
            <Text className={entry.points > 0 ? 'price' : ''}>{entry.points > 0 ? `+${entry.points}` : entry.points}</Text>
          </View>
        ))}
        {points?.entries.length === 0 && <Text className="muted">暂无积分记录</Text>}
      </View>
    </View>
  );
}
