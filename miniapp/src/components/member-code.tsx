import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { MEMBER_CODE_REFRESH_SECONDS, MemberCodeResponse } from '@member-ops/shared';
import { apiRequest } from '../services/http';
import { QrView } from './qr/qr-view';
import './member-code.css';

/** The member's QR code for staff to scan in store; a new short-lived code every minute. */
export function MemberCode({ onClose }: { onClose: () => void }) {
  const [code, setCode] = useState<MemberCodeResponse>();
  const [secondsLeft, setSecondsLeft] = useState(MEMBER_CODE_REFRESH_SECONDS);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const next = await apiRequest({ path: '/api/me/member-code', schema: MemberCodeResponse });
      if (!cancelled) {
        setCode(next);
        setSecondsLeft(MEMBER_CODE_REFRESH_SECONDS);
      }
    };
    void load();
    const refresh = setInterval(() => void load(), MEMBER_CODE_REFRESH_SECONDS * 1000);
    const tick = setInterval(() => setSecondsLeft((left) => Math.max(0, left - 1)), 1000);
    return () => {
      cancelled = true;
      clearInterval(refresh);
      clearInterval(tick);
    };
  }, []);

  return (
    <View className="member-code-mask" onClick={onClose}>
      <View className="member-code" onClick={(event) => event.stopPropagation()}>
        <Text className="member-code__title">会员码</Text>
        <Text className="muted small">到店消费时出示给店员扫码，积分自动到账</Text>
        <View className="member-code__qr">{code ? <QrView text={code.code} /> : <Text className="muted">生成中…</Text>}</View>
        <Text className="muted small" data-testid="member-code-countdown">
          {secondsLeft} 秒后自动刷新
        </Text>
        <Text className="member-code__close" onClick={onClose}>
          关闭
        </Text>
      </View>
    </View>
  );
}
