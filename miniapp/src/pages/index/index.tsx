import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { MeResponse, ProductSummary, RecommendationReason } from '@member-ops/shared';
import { PrivacyGate } from '../../components/privacy-gate';
import { ProductGrid } from '../../components/product-grid';
import { shopApi } from '../../services/shop-api';
import { usePageTracking } from '../../services/tracking';
import './index.css';

const REASON_BADGES: Record<RecommendationReason, string> = {
  co_purchase: '买了还买',
  co_view: '看了还看',
  preference: '猜你喜欢',
  best_seller: '热销',
};

const ENTRIES = [
  { label: '领券中心', icon: '券', url: '/shop/pages/claim/index' },
  { label: '每日签到', icon: '签', url: '/shop/pages/points/index' },
  { label: '我的优惠券', icon: '惠', url: '/shop/pages/coupons/index' },
  { label: '我的订单', icon: '单', url: '/shop/pages/orders/index' },
];

export default function HomePage() {
  usePageTracking('pages/index/index');
  const [me, setMe] = useState<MeResponse>();
  const [products, setProducts] = useState<ProductSummary[]>([]);
  const [badges, setBadges] = useState(new Map<number, string>());
  const [loaded, setLoaded] = useState(false);

  useDidShow(() => {
    void (async () => {
      try {
        const [profile, recommended] = await Promise.all([shopApi.me(), shopApi.recommendations(10)]);
        setMe(profile);
        setProducts(recommended.items.map((item) => item.product));
        setBadges(new Map(recommended.items.map((item) => [item.product.id, REASON_BADGES[item.reason]])));
      } finally {
        setLoaded(true);
      }
    })();
  });

  return (
    <View className="page home">
      <View className="home__banner">
        <Text className="home__shop">会员商城</Text>
        <Text className="home__greeting">
          {me ? `${me.nickname ?? '亲爱的会员'}，${me.tierLabel} · 积分 ${me.pointsBalance}` : '欢迎光临'}
        </Text>
      </View>
      <View className="search-bar" onClick={() => void Taro.navigateTo({ url: '/shop/pages/search/index' })}>
        <Text>搜索商品、品牌</Text>
      </View>
      <View className="card home__entries">
        {ENTRIES.map((entry) => (
          <View key={entry.label} className="home__entry" onClick={() => void Taro.navigateTo({ url: entry.url })}>
            <Text className="home__entry-icon">{entry.icon}</Text>
            <Text className="home__entry-label">{entry.label}</Text>
          </View>
        ))}
      </View>
      <View className="section-title">
        <Text>为你推荐</Text>
      </View>
      {products.length > 0 ? (
        <ProductGrid products={products} badges={badges} />
      ) : (
        <View className="empty-state">
          <Text>{loaded ? '暂无上架商品' : '加载中…'}</Text>
        </View>
      )}
      <PrivacyGate />
    </View>
  );
}
