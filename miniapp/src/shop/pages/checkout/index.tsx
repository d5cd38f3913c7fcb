import { Button, Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useLoad } from '@tarojs/taro';
import { useMemo, useRef, useState } from 'react';
import { type BestCouponResponse, type CreateOrderRequest, formatYuan } from '@member-ops/shared';
import { type CartLine, cartTotalFen, checkoutSelection, removeFromCart } from '../../../services/cart';
import { checkoutTotals } from '../../../services/checkout-totals';
import { ApiError } from '../../../services/errors';
import { newClientId } from '../../../services/ids';
import { payOrder } from '../../../services/payment';
import { ensureMemberSession } from '../../../services/session';
import { shopApi } from '../../../services/shop-api';
import { soldOutProductId } from '../../../services/sold-out';
import { STORAGE_KEYS, readStored, writeStored } from '../../../services/storage';
import { askSubscriptions } from '../../../services/subscribe';
import { usePageTracking } from '../../../services/tracking';
import './index.css';

type Address = CreateOrderRequest['address'];
const PRODUCT_PAGE = 'shop/pages/product/index';
const EMPTY_ADDRESS: Address = { name: '', phone: '', province: '', city: '', district: '', detail: '' };
const ADDRESS_FIELDS: { key: keyof Address; label: string; placeholder: string }[] = [
  { key: 'name', label: '收货人', placeholder: '姓名' },
  { key: 'phone', label: '手机号', placeholder: '11 位手机号' },
  { key: 'province', label: '省份', placeholder: '如 上海市' },
  { key: 'city', label: '城市', placeholder: '如 上海市' },
  { key: 'district', label: '区县', placeholder: '如 静安区' },
  { key: 'detail', label: '详细地址', placeholder: '街道、门牌号' },
];

export default function CheckoutPage() {
  usePageTracking('shop/pages/checkout/index');
  const [lines, setLines] = useState<CartLine[]>([]);
  const [fromCart, setFromCart] = useState(false);
  const [best, setBest] = useState<BestCouponResponse>();
  const [couponId, setCouponId] = useState<number | null>(null);
  const [availablePoints, setAvailablePoints] = useState(0);
  const [usePoints, setUsePoints] = useState(false);
  const [address, setAddress] = useState<Address>(() => readStored(STORAGE_KEYS.address, EMPTY_ADDRESS));
  const [submitting, setSubmitting] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  // One key per visit: a retried tap returns the order already placed instead of placing a second one.
  const orderKey = useRef(newClientId('order'));

  useLoad(() => {
    const selection = checkoutSelection();
    setLines(selection.lines);
    setFromCart(selection.fromCart);
    if (selection.lines.length === 0) return;
    void (async () => {
      await ensureMemberSession();
      const [suggestion, points] = await Promise.all([
        shopApi.bestCoupon(selection.lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity }))),
        shopApi.points(1),
      ]);
      setBest(suggestion);
      setCouponId(suggestion.suggested?.couponId ?? null);
      setAvailablePoints(points.available);
    })();
  });

  const itemsTotalFen = cartTotalFen(lines);
  const chosen = best?.coupons.find((option) => option.coupon.id === couponId && option.applicable);
  const totals = useMemo(
    () => checkoutTotals({ itemsTotalFen, couponDiscountFen: chosen?.discountFen ?? 0, availablePoints, usePoints }),
    [itemsTotalFen, chosen, availablePoints, usePoints],
  );

  /** Nothing was reserved: the shopper reads which item is gone, then sees its product page with the stock as it is now. */
  const backToSoldOutProduct = async (error: ApiError) => {
    await Taro.showModal({ title: '商品已售罄', content: error.message, showCancel: false, confirmText: '返回商品' });
    const productId = soldOutProductId(lines, error.fields);
    if (productId === undefined) return;
    const pages = Taro.getCurrentPages();
    const previous = pages[pages.length - 2]?.route?.replace(/^\//, '').split('?')[0];
    // Bought at once from the product page: going back shows it again, and it reloads its stock when shown.
    if (!fromCart && previous === PRODUCT_PAGE) await Taro.navigateBack();
    else await Taro.redirectTo({ url: `/${PRODUCT_PAGE}?id=${productId}` });
  };

  const submit = async () => {
    setProblems([]);
    setSubmitting(true);
    try {
      writeStored(STORAGE_KEYS.address, address);
      let order;
      try {
        order = await shopApi.createOrder(
          {
            items: lines.map((line) => ({ skuId: line.skuId, quantity: line.quantity })),
            ...(chosen ? { couponId: chosen.coupon.id } : {}),
            ...(totals.pointsUsed > 0 ? { pointsToUse: totals.pointsUsed } : {}),
            address: { ...address, phone: address.phone.trim() },
            clientOrderKey: orderKey.current,
          },
          { silent: true },
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === 'SOLD_OUT') return await backToSoldOutProduct(error);
        if (error instanceof ApiError) void Taro.showToast({ title: error.message, icon: 'none', duration: 2500 });
        throw error;
      }
      if (fromCart) removeFromCart(lines.map((line) => line.skuId));
      const paid = await payOrder(order);
      if (process.env.TARO_ENV === 'weapp' && paid.status === 'paid') await askSubscriptions('pay_result').catch(() => undefined);
      void Taro.redirectTo({ url: `/shop/pages/pay-result/index?id=${paid.id}` });
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0)
        setProblems(error.fields.map((field) => `${field.field}：${field.message}`));
    } finally {
      setSubmitting(false);
    }
  };

  if (lines.length === 0) {
    return (
      <View className="page">
        <View className="empty-state">
          <Text>没有要结算的商品</Text>
        </View>
      </View>
    );
  }

  return (
    <View className="page page--with-bar checkout">
      <View className="card">
        <Text className="card__title">收货地址</Text>
        {ADDRESS_FIELDS.map((field) => (
          <View key={field.key} className="checkout__field">
            <Text className="checkout__label">{field.label}</Text>
            <Input
              className="input"
              data-testid={`address-${field.key}`}
              type={field.key === 'phone' ? 'number' : 'text'}
              value={address[field.key] ?? ''}
              placeholder={field.placeholder}
              onInput={(event) => setAddress({ ...address, [field.key]: event.detail.value })}
            />
          </View>
        ))}
      </View>
      <View className="card">
        <Text className="card__title">商品</Text>
        {lines.map((line) => (
          <View key={line.skuId} className="row">
            <Text className="checkout__line-title">
              {line.title} · {line.skuTitle} × {line.quantity}
            </Text>
            <Text>{formatYuan(line.priceFen * line.quantity)}</Text>
          </View>
        ))}
      </View>
      <View className="card">
        <Text className="card__title">优惠券</Text>
        {best === undefined && <Text className="muted">正在计算可用优惠券…</Text>}
        {best && best.coupons.length === 0 && <Text className="muted">暂无可用优惠券</Text>}
        {best?.coupons.map((option) => (
          <View
            key={option.coupon.id}
            className={`checkout__coupon ${option.coupon.id === couponId ? 'checkout__coupon--on' : ''} ${option.applicable ? '' : 'checkout__coupon--off'}`}
            data-testid="checkout-coupon"
            onClick={() => option.applicable && setCouponId(option.coupon.id === couponId ? null : option.coupon.id)}
          >
            <View className="list-item__main">
              <Text className="list-item__title">{option.coupon.name}</Text>
              <Text className="muted small">{option.message}</Text>
            </View>
            <Text className="price">{option.applicable ? `-${formatYuan(option.discountFen)}` : '不可用'}</Text>
          </View>
        ))}
      </View>
      <View className="card">
        <View className="row">
          <View>
            <Text>积分抵扣</Text>
            <Text className="muted small checkout__points-note">
              {totals.maxPoints > 0
                ? ` 可用 ${totals.maxPoints} 积分抵 ${formatYuan(totals.maxPoints)}`
                : ` 可用积分 ${availablePoints}`}
            </Text>
          </View>
          <Switch
            data-testid="use-points"
            checked={usePoints}
            disabled={totals.maxPoints === 0 || undefined}
            color="#c8102e"
            onChange={(event) => setUsePoints(event.detail.value)}
          />
        </View>
      </View>
      <View className="card" data-testid="checkout-totals">
        <View className="row">
          <Text className="row__label">商品金额</Text>
          <Text>{formatYuan(totals.itemsTotalFen)}</Text>
        </View>
        <View className="row">
          <Text className="row__label">运费</Text>
          <Text>{totals.shippingFen === 0 ? '免运费' : formatYuan(totals.shippingFen)}</Text>
        </View>
        <View className="row">
          <Text className="row__label">优惠券</Text>
          <Text className="price">-{formatYuan(totals.couponDiscountFen)}</Text>
        </View>
        <View className="row">
          <Text className="row__label">积分抵扣</Text>
          <Text className="price">-{formatYuan(totals.pointsDiscountFen)}</Text>
        </View>
      </View>
      {problems.length > 0 && (
        <View className="card checkout__problems">
          {problems.map((problem) => (
            <Text key={problem} className="price small">
              {problem}
            </Text>
          ))}
        </View>
      )}
      <View className="bottom-bar">
        <View className="bottom-bar__total">
          <Text>实付 </Text>
          <Text className="price price--large" data-testid="checkout-payable">
            {formatYuan(totals.payableFen)}
          </Text>
        </View>
        <Button
          className="btn btn--primary"
          loading={submitting || undefined}
          disabled={submitting || undefined}
          onClick={() => void submit()}
        >
          提交订单并支付
        </Button>
      </View>
    </View>
  );
}
