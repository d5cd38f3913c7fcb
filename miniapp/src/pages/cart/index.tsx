import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { formatYuan } from '@member-ops/shared';
import { PrivacyGate } from '../../components/privacy-gate';
import { ProductCover } from '../../components/product-cover';
import { openProduct } from '../../components/product-grid';
import { type CartLine, cartLines, cartTotalFen, removeFromCart, setCartQuantity, startCheckout } from '../../services/cart';
import { usePageTracking } from '../../services/tracking';
import './index.css';

export default function CartPage() {
  usePageTracking('pages/cart/index');
  const [lines, setLines] = useState<CartLine[]>([]);
  useDidShow(() => setLines(cartLines()));

  if (lines.length === 0) {
    return (
      <View className="page">
        <View className="empty-state">
          <Text className="cart__empty">购物车还是空的</Text>
          <Button
            className="btn btn--primary btn--small cart__go"
            onClick={() => void Taro.switchTab({ url: '/pages/index/index' })}
          >
            去逛逛
          </Button>
        </View>
        <PrivacyGate />
      </View>
    );
  }

  const total = cartTotalFen(lines);
  return (
    <View className="page">
      <View className="card">
        {lines.map((line) => (
          <View key={line.skuId} className="list-item" data-testid="cart-line">
            <View onClick={() => openProduct(line.productId)}>
              <ProductCover id={line.productId} title={line.title} label={line.category} size="thumb" />
            </View>
            <View className="list-item__main">
              <Text className="list-item__title">{line.title}</Text>
              <Text className="muted small">{line.skuTitle}</Text>
              <View className="row">
                <Text className="price">{formatYuan(line.priceFen)}</Text>
                <View className="stepper">
                  <Text className="stepper__btn" onClick={() => setLines(setCartQuantity(line.skuId, line.quantity - 1))}>
                    −
                  </Text>
                  <Text className="stepper__value">{line.quantity}</Text>
                  <Text className="stepper__btn" onClick={() => setLines(setCartQuantity(line.skuId, line.quantity + 1))}>
                    +
                  </Text>
                </View>
              </View>
            </View>
          </View>
        ))}
      </View>
      <View className="row cart__clear">
        <Text className="muted small" onClick={() => setLines(removeFromCart(lines.map((line) => line.skuId)))}>
          清空购物车
        </Text>
      </View>
      <View className="card cart__summary">
        <View className="bottom-bar__total">
          <Text>合计 </Text>
          <Text className="price price--large" data-testid="cart-total">
            {formatYuan(total)}
          </Text>
        </View>
        <Button
          className="btn btn--primary"
          onClick={() => {
            startCheckout(lines, true);
            void Taro.navigateTo({ url: '/shop/pages/checkout/index' });
          }}
        >
          去结算
        </Button>
      </View>
      <PrivacyGate />
    </View>
  );
}
