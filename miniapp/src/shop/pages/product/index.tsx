import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useLoad, useShareAppMessage } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { type ProductDetail, formatYuan } from '@member-ops/shared';
import { ProductCover } from '../../../components/product-cover';
import { addToCart, startCheckout } from '../../../services/cart';
import { shopApi } from '../../../services/shop-api';
import { STORAGE_KEYS, readStored, writeStored } from '../../../services/storage';
import { track, usePageTracking } from '../../../services/tracking';
import './index.css';

export default function ProductPage() {
  usePageTracking('shop/pages/product/index');
  const [product, setProduct] = useState<ProductDetail>();
  const [skuId, setSkuId] = useState<number>();
  const [quantity, setQuantity] = useState(1);
  const [favorite, setFavorite] = useState(false);

  const productId = useRef<number>();
  const shownBefore = useRef(false);

  useLoad((params: Record<string, string | undefined>) => {
    const id = Number(params.id);
    if (!Number.isInteger(id) || id <= 0) return;
    productId.current = id;
    setFavorite(readStored<number[]>(STORAGE_KEYS.favorites, []).includes(id));
    void shopApi.product(id).then((detail) => {
      setProduct(detail);
      setSkuId(detail.skus.find((sku) => sku.stock > 0)?.id ?? detail.skus[0]?.id);
      track({ type: 'product_view', productId: detail.id });
    });
  });

  // Back on this page (e.g. from a checkout refused as sold out): the stock shown is read again, and the chosen
  // SKU stays chosen so the shopper sees that it is gone.
  useDidShow(() => {
    const id = productId.current;
    if (!shownBefore.current || id === undefined) {
      shownBefore.current = true;
      return;
    }
    void shopApi.product(id).then((detail) => {
      setProduct(detail);
      setSkuId((chosen) =>
        detail.skus.some((sku) => sku.id === chosen)
          ? chosen
          : (detail.skus.find((sku) => sku.stock > 0)?.id ?? detail.skus[0]?.id),
      );
    });
  });

  useShareAppMessage(() => {
    if (product) track({ type: 'share', productId: product.id, payload: { channel: 'chat' } });
    return { title: product?.title ?? '会员商城', path: `/shop/pages/product/index?id=${product?.id ?? ''}` };
  });

  if (!product) {
    return (
      <View className="page">
        <View className="empty-state">
          <Text>加载中…</Text>
        </View>
      </View>
    );
  }

  const sku = product.skus.find((item) => item.id === skuId);
  const line = () =>
    sku && {
      skuId: sku.id,
      productId: product.id,
      title: product.title,
      skuTitle: sku.title,
      priceFen: sku.priceFen,
      quantity,
      category: product.category.name,
    };
  const toggleFavorite = () => {
    const favorites = readStored<number[]>(STORAGE_KEYS.favorites, []);
    const next = favorite ? favorites.filter((id) => id !== product.id) : [...favorites, product.id];
    writeStored(STORAGE_KEYS.favorites, next);
    setFavorite(!favorite);
    if (!favorite) track({ type: 'favorite', productId: product.id });
    void Taro.showToast({ title: favorite ? '已取消收藏' : '已收藏', icon: 'none' });
  };
  const share = () => {
    track({ type: 'share', productId: product.id, payload: { channel: 'link' } });
    void Taro.setClipboardData({ data: `${product.title} ${formatYuan(sku?.priceFen ?? product.minPriceFen)}` });
  };

  return (
    <View className="page page--with-bar product">
      <View className="product__hero">
        <ProductCover id={product.id} title={product.title} label={product.category.name} size="hero" />
      </View>
      <View className="card">
        <View className="row">
          <View>
            <Text className="price price--large" data-testid="product-price">
              {formatYuan(sku?.priceFen ?? product.minPriceFen)}
            </Text>
            {sku?.originalPriceFen && <Text className="strike">{formatYuan(sku.originalPriceFen)}</Text>}
          </View>
          <Text className="muted small">已售 {product.soldUnits}</Text>
        </View>
        <Text className="product__title">{product.title}</Text>
        {product.subtitle && <Text className="muted small product__subtitle">{product.subtitle}</Text>}
        <View className="product__meta">
          {product.brand && <Text className="tag">{product.brand.name}</Text>}
          <Text className="muted small product__share" onClick={share}>
            分享给好友
          </Text>
        </View>
      </View>
      <View className="card">
        <Text className="card__title">规格</Text>
        <View className="chips">
          {product.skus.map((item) => (
            <Text
              key={item.id}
              className={`chip ${item.id === skuId ? 'chip--active' : ''}`}
              onClick={() => item.stock > 0 && setSkuId(item.id)}
              style={item.stock > 0 ? undefined : { opacity: 0.4 }}
            >
              {item.title}
            </Text>
          ))}
        </View>
        <View className="row product__quantity">
          <Text className="row__label">数量</Text>
          <View className="stepper">
            <Text className="stepper__btn" onClick={() => setQuantity(Math.max(1, quantity - 1))}>
              −
            </Text>
            <Text className="stepper__value">{quantity}</Text>
            <Text className="stepper__btn" onClick={() => setQuantity(Math.min(sku?.stock ?? 1, quantity + 1, 99))}>
              +
            </Text>
          </View>
        </View>
        <Text className="muted small">{sku ? (sku.stock > 0 ? `库存 ${sku.stock} 件` : '该规格暂时缺货') : ''}</Text>
      </View>
      {product.description && (
        <View className="card">
          <Text className="card__title">商品详情</Text>
          <Text className="product__description">{product.description}</Text>
        </View>
      )}
      <View className="bottom-bar">
        <View className="product__icon" onClick={toggleFavorite}>
          <Text className={favorite ? 'product__icon-mark product__icon-mark--on' : 'product__icon-mark'}>
            {favorite ? '★' : '☆'}
          </Text>
          <Text className="small muted">{favorite ? '已收藏' : '收藏'}</Text>
        </View>
        <View className="product__icon" onClick={() => void Taro.switchTab({ url: '/pages/cart/index' })}>
          <Text className="product__icon-mark">⊡</Text>
          <Text className="small muted">购物车</Text>
        </View>
        <Button
          className="btn btn--secondary product__action"
          disabled={!sku || sku.stock <= 0 || undefined}
          onClick={() => {
            const item = line();
            if (!item) return;
            addToCart(item);
            track({ type: 'add_to_cart', productId: product.id, skuId: item.skuId });
            void Taro.showToast({ title: '已加入购物车', icon: 'success' });
          }}
        >
          加入购物车
        </Button>
        <Button
          className="btn btn--primary product__action"
          disabled={!sku || sku.stock <= 0 || undefined}
          onClick={() => {
            const item = line();
            if (!item) return;
            startCheckout([item], false);
            void Taro.navigateTo({ url: '/shop/pages/checkout/index' });
          }}
        >
          立即购买
        </Button>
      </View>
    </View>
  );
}
