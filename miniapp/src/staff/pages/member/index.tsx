import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useLoad } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { type StaffMemberCardResponse, formatYuan, yuanToFen } from '@member-ops/shared';
import { ORDER_STATUS_LABELS, shanghaiDateTime } from '../../../services/labels';
import { staffApi } from '../../../services/staff-api';
import '../staff.css';

export default function StaffMemberPage() {
  const [memberId, setMemberId] = useState(0);
  const [card, setCard] = useState<StaffMemberCardResponse>();
  const [couponCode, setCouponCode] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  // One id per purchase being entered: a retried tap records it once; a new one after each success.
  const purchaseId = useRef(staffApi.newPurchaseId());

  const load = (id: number) => void staffApi.memberCard(id).then(setCard);
  useLoad((params: Record<string, string | undefined>) => {
    const id = Number(params.id);
    setMemberId(id);
    load(id);
  });

  const redeem = async (code: string) => {
    if (!code.trim()) return;
    const { confirm } = await Taro.showModal({
      title: '确认核销',
      content: `核销券码 ${code.trim().toUpperCase()}？`,
      confirmText: '核销',
    });
    if (!confirm) return;
    const result = await staffApi.redeemCoupon(code.trim());
    void Taro.showToast({ title: `已核销 ${result.coupon.name}`, icon: 'success' });
    setCouponCode('');
    load(memberId);
  };

  const record = async () => {
    let amountFen: number;
    try {
      amountFen = yuanToFen(amount);
    } catch {
      void Taro.showToast({ title: '请输入正确的金额', icon: 'none' });
      return;
    }
    if (amountFen <= 0) {
      void Taro.showToast({ title: '金额需大于 0', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      const result = await staffApi.recordPurchase(memberId, {
        requestId: purchaseId.current,
        amountFen,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      purchaseId.current = staffApi.newPurchaseId();
      setAmount('');
      setNote('');
      void Taro.showToast({ title: `已记录，积分 +${result.pointsEarned}`, icon: 'success' });
      load(memberId);
    } finally {
      setBusy(false);
    }
  };

  if (!card) {
    return (
      <View className="page">
        <View className="empty-state">
          <Text>加载中…</Text>
        </View>
      </View>
    );
  }
  const preferences = [...card.preferences.topCategories, ...card.preferences.topBrands];
  return (
    <View className="page staff">
      <View className="card" data-testid="staff-member-card">
        <View className="row">
          <Text className="card__title">{card.nickname ?? '微信用户'}</Text>
          <Text className="staff__tier">{card.tierLabel}</Text>
        </View>
        <Text className="muted">{card.maskedPhone ?? '未绑定手机'}</Text>
        <View className="staff__stats staff__field">
          <View>
            <Text className="staff__stat-value" data-testid="staff-member-points">
              {card.pointsBalance}
            </Text>
            <Text className="muted small">积分</Text>
          </View>
          <View>
            <Text className="staff__stat-value">{card.lifecycleLabel}</Text>
            <Text className="muted small">生命周期</Text>
          </View>
          <View>
            <Text className="staff__stat-value">{card.coupons.length}</Text>
            <Text className="muted small">可用券</Text>
          </View>
        </View>
        {card.upgradeHint && <Text className="muted small">{card.upgradeHint}</Text>}
        {preferences.length > 0 && (
          <View className="chips staff__field">
            {preferences.map((item) => (
              <Text key={item} className="tag">
                {item}
              </Text>
            ))}
          </View>
        )}
      </View>

      <View className="card">
        <Text className="card__title">核销优惠券</Text>
        {card.coupons.map((coupon) => (
          <View key={coupon.id} className="list-item" data-testid="staff-coupon">
            <View className="list-item__main">
              <Text className="list-item__title">{coupon.name}</Text>
              <Text className="muted small">
                {coupon.description} · {shanghaiDateTime(coupon.validTo).slice(0, 10)} 到期
              </Text>
            </View>
            <Button className="btn btn--primary btn--small" data-testid="staff-redeem" onClick={() => void redeem(coupon.code)}>
              核销
            </Button>
          </View>
        ))}
        {card.coupons.length === 0 && <Text className="muted small">该会员暂无可用优惠券</Text>}
        <View className="staff__inline staff__field">
          <Input className="input" value={couponCode} placeholder="输入券码核销" onInput={(e) => setCouponCode(e.detail.value)} />
          <Button className="btn btn--plain btn--small" onClick={() => void redeem(couponCode)}>
            核销
          </Button>
        </View>
      </View>

      <View className="card">
        <Text className="card__title">到店消费记积分</Text>
        <View className="staff__field">
          <Input
            className="input"
            data-testid="purchase-amount"
            type="digit"
            value={amount}
            placeholder="实付金额（元）"
            onInput={(e) => setAmount(e.detail.value)}
          />
        </View>
        <View className="staff__field">
          <Input className="input" value={note} placeholder="小票号（选填）" onInput={(e) => setNote(e.detail.value)} />
        </View>
        <Button
          className="btn btn--primary"
          data-testid="purchase-submit"
          loading={busy || undefined}
          disabled={busy || undefined}
          onClick={() => void record()}
        >
          记录消费
        </Button>
      </View>

      <View className="card">
        <Text className="card__title">最近订单</Text>
        {card.recentOrders.map((order) => (
          <View key={order.id} className="row">
            <Text className="small">
              {shanghaiDateTime(order.createdAt)} · {order.channel === 'pos' ? '门店' : '小程序'}
            </Text>
            <Text className="small">
              {ORDER_STATUS_LABELS[order.status]} {formatYuan(order.paidFen || order.payableFen)}
            </Text>
          </View>
        ))}
        {card.recentOrders.length === 0 && <Text className="muted small">暂无订单</Text>}
      </View>
    </View>
  );
}
