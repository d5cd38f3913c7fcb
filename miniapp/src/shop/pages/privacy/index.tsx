import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { MeResponse } from '@member-ops/shared';
import { shanghaiDateTime } from '../../../services/labels';
import { forgetMembership } from '../../../services/session';
import { shopApi } from '../../../services/shop-api';
import { discardTracking, usePageTracking } from '../../../services/tracking';
import { deliverExport, exportSummary } from './export-file';
import './index.css';

/** The member's PIPL rights in one place: what they agreed to, a copy of their data, and erasure. */
export default function PrivacyPage() {
  usePageTracking('shop/pages/privacy/index');
  const [me, setMe] = useState<MeResponse>();
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState<'export' | 'erase'>();
  useDidShow(() => void shopApi.me().then(setMe));

  const exportData = async () => {
    setBusy('export');
    try {
      const data = await shopApi.exportMyData();
      const how = await deliverExport(data);
      setSummary(`${how === 'downloaded' ? '已下载' : '已复制到剪贴板'}：${exportSummary(data)}`);
    } finally {
      setBusy(undefined);
    }
  };

  const erase = async () => {
    const first = await Taro.showModal({
      title: '注销会员',
      content:
        '注销后，您的手机号、昵称、收货地址、浏览记录等个人信息将被删除且无法恢复，积分与优惠券将作废。订单与支付记录仅以匿名方式保留用于财务核对。',
      confirmText: '继续',
      confirmColor: '#c8102e',
    });
    if (!first.confirm) return;
    const second = await Taro.showModal({
      title: '再次确认',
      content: '确定注销会员并删除个人信息吗？',
      confirmText: '确定注销',
      confirmColor: '#c8102e',
    });
    if (!second.confirm) return;
    setBusy('erase');
    try {
      await shopApi.eraseMe();
      discardTracking();
      forgetMembership();
      await Taro.showModal({ title: '已注销', content: '您的个人信息已删除。再次使用商城将作为新会员。', showCancel: false });
      void Taro.reLaunch({ url: '/pages/index/index' });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <View className="page">
      <View className="card">
        <Text className="card__title">隐私授权</Text>
        <Text className="privacy__text muted" data-testid="privacy-consent">
          {me?.privacyConsentAt
            ? `您于 ${shanghaiDateTime(me.privacyConsentAt)} 同意了隐私政策，我们据此记录浏览、搜索、加购等使用记录。`
            : '您尚未同意隐私政策，我们不会记录您的浏览行为。'}
        </Text>
      </View>
      <View className="card">
        <Text className="card__title">导出我的数据</Text>
        <Text className="privacy__text muted">
          包括个人资料、收货地址、订单与支付、退款、积分、优惠券、授权记录和浏览记录，以 JSON 格式提供。每小时最多导出 3 次。
        </Text>
        <Button
          className="btn btn--secondary"
          data-testid="export-button"
          loading={busy === 'export' || undefined}
          onClick={() => void exportData()}
        >
          导出我的数据
        </Button>
        {summary && (
          <Text className="privacy__summary small" data-testid="export-summary">
            {summary}
          </Text>
        )}
      </View>
      <View className="card">
        <Text className="card__title privacy__danger">注销会员</Text>
        <Text className="privacy__text muted">有待支付的订单或处理中的退款时，需等其完成后再注销。</Text>
        <Button
          className="btn btn--plain privacy__danger"
          data-testid="erase-button"
          loading={busy === 'erase' || undefined}
          onClick={() => void erase()}
        >
          注销会员并删除个人信息
        </Button>
      </View>
    </View>
  );
}
