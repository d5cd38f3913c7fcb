import { Button, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { givePrivacyConsent, hasPrivacyConsent } from '../services/session';
import './privacy-gate.css';

let dismissedThisLaunch = false;

/**
 * The privacy notice shown on first launch. Nothing is tracked until the shopper agrees; "暂不同意" lets them
 * browse without tracking and the notice returns on the next launch.
 */
export function PrivacyGate({ onConsent }: { onConsent?: () => void }) {
  const [visible, setVisible] = useState(() => !hasPrivacyConsent() && !dismissedThisLaunch);
  const [saving, setSaving] = useState(false);
  if (!visible) return null;
  const agree = async () => {
    setSaving(true);
    try {
      await givePrivacyConsent();
      setVisible(false);
      onConsent?.();
    } finally {
      setSaving(false);
    }
  };
  return (
    <View className="privacy-mask">
      <View className="privacy-sheet">
        <Text className="privacy-sheet__title">用户隐私保护提示</Text>
        <Text className="privacy-sheet__body">
          感谢您使用会员商城。为向您提供会员积分、优惠券与个性化推荐，我们会在您同意后收集浏览、搜索、加购等使用记录，并用于会员权益计算。您可随时在「我的」中查看个人信息。
        </Text>
        <Button className="btn btn--primary privacy-sheet__agree" loading={saving || undefined} onClick={() => void agree()}>
          同意并继续
        </Button>
        <Button
          className="btn btn--plain privacy-sheet__reject"
          onClick={() => {
            dismissedThisLaunch = true;
            setVisible(false);
          }}
        >
          暂不同意
        </Button>
      </View>
    </View>
  );
}
