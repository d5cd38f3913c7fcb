import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { MeResponse } from '@member-ops/shared';
import { MemberCode } from '../../components/member-code';
import { PrivacyGate } from '../../components/privacy-gate';
import { shopApi } from '../../services/shop-api';
import { usePageTracking } from '../../services/tracking';
import { MemberCard } from './member-card';
import { progressFromView } from './progress';
import './index.css';

const LINKS = [
  { label: '我的订单', url: '/shop/pages/orders/index' },
  { label: '积分明细与签到', url: '/shop/pages/points/index' },
  { label: '我的优惠券', url: '/shop/pages/coupons/index' },
  { label: '领券中心', url: '/shop/pages/claim/index' },
  { label: '个人资料', url: '/shop/pages/profile/index' },
  { label: '隐私与个人数据', url: '/shop/pages/privacy/index' },
  { label: '店员工作台', url: '/staff/pages/lookup/index' },
];

export default function MemberPage() {
  usePageTracking('pages/member/index');
  const [me, setMe] = useState<MeResponse>();
  const [showCode, setShowCode] = useState(false);
  useDidShow(() => {
    void shopApi.me().then(setMe);
  });

  return (
    <View className="page member">
      {me ? (
        <MemberCard nickname={me.nickname ?? '微信用户'} progress={progressFromView(me.tierProgress)} now={new Date()} />
      ) : (
        <View className="member-card member-card--placeholder">
          <Text>正在加载会员信息…</Text>
        </View>
      )}
      <View className="card member__stats">
        <View className="member__stat" onClick={() => void Taro.navigateTo({ url: '/shop/pages/points/index' })}>
          <Text className="member__stat-value" data-testid="member-points">
            {me?.pointsBalance ?? '-'}
          </Text>
          <Text className="muted small">积分</Text>
        </View>
        <View className="member__stat" onClick={() => setShowCode(true)}>
          <Text className="member__stat-value">码</Text>
          <Text className="muted small">会员码</Text>
        </View>
        <View className="member__stat" onClick={() => void Taro.navigateTo({ url: '/shop/pages/coupons/index' })}>
          <Text className="member__stat-value">券</Text>
          <Text className="muted small">优惠券</Text>
        </View>
      </View>
      <View className="card member__links">
        {LINKS.map((link) => (
          <View key={link.label} className="member__link" onClick={() => void Taro.navigateTo({ url: link.url })}>
            <Text>{link.label}</Text>
            <Text className="muted">›</Text>
          </View>
        ))}
      </View>
      {showCode && <MemberCode onClose={() => setShowCode(false)} />}
      <PrivacyGate />
    </View>
  );
}
