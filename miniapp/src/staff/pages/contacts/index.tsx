import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import {
  type ContactItem,
  FOLLOWUP_STATUS_LABELS,
  type FollowupStatus,
  LIFECYCLE_LABELS,
  TIER_CODES,
  TIER_LABELS,
  type TierCode,
  formatYuan,
} from '@member-ops/shared';
import { currentStaff } from '../../../services/session';
import { staffApi } from '../../../services/staff-api';
import '../staff.css';
import './index.css';

const OUTCOMES: FollowupStatus[] = ['contacted', 'no_answer', 'converted', 'do_not_contact'];

export default function RepContactsPage() {
  const [tier, setTier] = useState<TierCode | undefined>();
  const [items, setItems] = useState<ContactItem[]>();
  const [editing, setEditing] = useState<number>();
  const [outcome, setOutcome] = useState<FollowupStatus>('contacted');
  const [note, setNote] = useState('');

  const load = (next: TierCode | undefined) => {
    setTier(next);
    void staffApi.contacts(next).then((list) => setItems(list.items));
  };
  useDidShow(() => {
    if (!currentStaff()) {
      void Taro.redirectTo({ url: '/staff/pages/login/index' });
      return;
    }
    load(tier);
  });

  const call = async (memberId: number) => {
    const { phone } = await staffApi.fullPhone(memberId);
    if (!phone) {
      void Taro.showToast({ title: '该会员未绑定手机号', icon: 'none' });
      return;
    }
    await Taro.makePhoneCall({ phoneNumber: phone });
  };

  const save = async (contact: ContactItem) => {
    await staffApi.recordOutcome(contact.memberId, contact.openFollowup?.id, outcome, note);
    void Taro.showToast({ title: '已记录跟进结果', icon: 'success' });
    setEditing(undefined);
    setNote('');
    load(tier);
  };

  return (
    <View className="page staff">
      <View className="chips contacts__tiers">
        <Text className={`chip ${tier === undefined ? 'chip--active' : ''}`} onClick={() => load(undefined)}>
          全部
        </Text>
        {TIER_CODES.map((code) => (
          <Text key={code} className={`chip ${tier === code ? 'chip--active' : ''}`} onClick={() => load(code)}>
            {TIER_LABELS[code]}
          </Text>
        ))}
      </View>
      {(items ?? []).map((contact) => (
        <View key={contact.memberId} className="card" data-testid="contact">
          <View className="row">
            <Text className="list-item__title">{contact.nickname ?? '微信用户'}</Text>
            <Text className="staff__tier">{TIER_LABELS[contact.tier]}</Text>
          </View>
          <Text className="muted small">
            {contact.phoneMasked ?? '未绑定手机'} · {LIFECYCLE_LABELS[contact.lifecycle]} · 累计 {contact.ordersTotal} 单
            {contact.lastOrderAmountFen !== null ? ` · 最近 ${formatYuan(contact.lastOrderAmountFen)}` : ''}
          </Text>
          {contact.openFollowup && (
            <Text className="small contacts__followup">
              {FOLLOWUP_STATUS_LABELS[contact.openFollowup.status]}：{contact.openFollowup.title ?? '回访'}
            </Text>
          )}
          <View className="contacts__actions">
            <Button
              className="btn btn--plain btn--small"
              disabled={!contact.phoneMasked || undefined}
              onClick={() => void call(contact.memberId)}
            >
              拨打电话
            </Button>
            <Button
              className="btn btn--primary btn--small"
              onClick={() => setEditing(editing === contact.memberId ? undefined : contact.memberId)}
            >
              记录跟进
            </Button>
          </View>
          {editing === contact.memberId && (
            <View className="contacts__form">
              <View className="chips">
                {OUTCOMES.map((status) => (
                  <Text
                    key={status}
                    className={`chip ${outcome === status ? 'chip--active' : ''}`}
                    onClick={() => setOutcome(status)}
                  >
                    {FOLLOWUP_STATUS_LABELS[status]}
                  </Text>
                ))}
              </View>
              <Input
                className="input contacts__note"
                value={note}
                placeholder="跟进备注（选填）"
                onInput={(e) => setNote(e.detail.value)}
              />
              <Button className="btn btn--primary btn--small" onClick={() => void save(contact)}>
                保存
              </Button>
            </View>
          )}
        </View>
      ))}
      {items?.length === 0 && (
        <View className="empty-state">
          <Text>该等级暂无客户</Text>
        </View>
      )}
    </View>
  );
}
