import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { ClaimableCouponsResponse } from '@member-ops/shared';
import { CouponTicket } from '../../../components/coupon-ticket';
import { shopApi } from '../../../services/shop-api';
import { track, usePageTracking } from '../../../services/tracking';

export default function ClaimCentrePage() {
  usePageTracking('shop/pages/claim/index');
  const [items, setItems] = useState<ClaimableCouponsResponse['items']>();
  const [busy, setBusy] = useState<number>();
  const load = () => void shopApi.claimable().then((list) => setItems(list.items));
  useDidShow(load);

  const claim = async (templateId: number) => {
    setBusy(templateId);
    try {
      await shopApi.claim(templateId);
      track({ type: 'coupon_claim', payload: { templateId } });
      void Taro.showToast({ title: '领取成功', icon: 'success' });
      load();
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <View className="page">
      <View className="section-title">
        <Text>领券中心</Text>
        <Text className="muted small" onClick={() => void Taro.navigateTo({ url: '/shop/pages/coupons/index' })}>
          我的优惠券 ›
        </Text>
      </View>
      {(items ?? []).map((coupon) => (
        <CouponTicket
          key={coupon.templateId}
          terms={coupon.terms}
          name={coupon.name}
          detail={`${coupon.description}${coupon.remainingStock !== null ? ` · 剩余 ${coupon.remainingStock} 张` : ''}`}
          action={
            <Button
              className="btn btn--primary btn--small"
              data-testid="claim-button"
              disabled={!coupon.canClaim || busy === coupon.templateId || undefined}
              onClick={() => void claim(coupon.templateId)}
            >
              {coupon.canClaim ? '领取' : '已领取'}
            </Button>
          }
        />
      ))}
      {items?.length === 0 && (
        <View className="empty-state">
          <Text>暂时没有可领取的优惠券</Text>
        </View>
      )}
    </View>
  );
}
