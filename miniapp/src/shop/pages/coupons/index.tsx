import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { WalletCouponView, WalletStatus } from '@member-ops/shared';
import { CouponTicket } from '../../../components/coupon-ticket';
import { shanghaiDateTime } from '../../../services/labels';
import { shopApi } from '../../../services/shop-api';
import { usePageTracking } from '../../../services/tracking';
import './index.css';

const TABS: { status: WalletStatus; label: string }[] = [
  { status: 'available', label: '可使用' },
  { status: 'used', label: '已使用' },
  { status: 'expired', label: '已过期' },
];

export default function CouponsPage() {
  usePageTracking('shop/pages/coupons/index');
  const [status, setStatus] = useState<WalletStatus>('available');
  const [items, setItems] = useState<WalletCouponView[]>();
  const load = (next: WalletStatus) => {
    setStatus(next);
    void shopApi.wallet(next).then((wallet) => setItems(wallet.items));
  };
  useDidShow(() => load(status));

  return (
    <View className="page">
      <View className="tabs">
        {TABS.map((tab) => (
          <Text
            key={tab.status}
            className={`tabs__item ${tab.status === status ? 'tabs__item--active' : ''}`}
            onClick={() => load(tab.status)}
          >
            {tab.label}
          </Text>
        ))}
      </View>
      {(items ?? []).map((coupon) => (
        <CouponTicket
          key={coupon.id}
          terms={coupon.terms}
          name={coupon.name}
          detail={`${coupon.description} · ${shanghaiDateTime(coupon.validTo).slice(0, 10)} 前有效 · 券码 ${coupon.code}`}
          state={coupon.status}
        />
      ))}
      {items?.length === 0 && (
        <View className="empty-state">
          <Text>暂无优惠券</Text>
        </View>
      )}
    </View>
  );
}
