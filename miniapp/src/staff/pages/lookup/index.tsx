import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import type { StaffMemberCandidate } from '@member-ops/shared';
import { currentStaff } from '../../../services/session';
import { staffApi } from '../../../services/staff-api';
import '../staff.css';

function openMember(id: number) {
  void Taro.navigateTo({ url: `/staff/pages/member/index?id=${id}` });
}

export default function StaffLookupPage() {
  const [staffName, setStaffName] = useState('');
  const [tail, setTail] = useState('');
  const [results, setResults] = useState<StaffMemberCandidate[]>();

  useDidShow(() => {
    const staff = currentStaff();
    if (!staff) {
      void Taro.redirectTo({ url: '/staff/pages/login/index' });
      return;
    }
    setStaffName(staff.displayName);
  });

  const byTail = async () => {
    if (!/^\d{4}$/.test(tail)) {
      void Taro.showToast({ title: '请输入手机号后 4 位', icon: 'none' });
      return;
    }
    setResults((await staffApi.lookupByPhoneTail(tail)).items);
  };
  const scan = async () => {
    const { result } = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
    const found = await staffApi.lookupByCode(result);
    if (found.items[0]) openMember(found.items[0].id);
  };

  return (
    <View className="page staff">
      <View className="staff__banner">
        <Text className="staff__banner-title">会员查询</Text>
        <Text className="staff__banner-sub">{staffName ? `${staffName}，扫会员码或输入手机尾号` : '扫会员码或输入手机尾号'}</Text>
      </View>
      {process.env.TARO_ENV === 'weapp' && (
        <Button className="btn btn--primary staff__field" onClick={() => void scan()}>
          扫描会员码
        </Button>
      )}
      <View className="card">
        <Text className="card__title">手机尾号查询</Text>
        <View className="staff__inline">
          <Input
            className="input"
            data-testid="lookup-tail"
            type="number"
            maxlength={4}
            value={tail}
            placeholder="手机号后 4 位"
            onInput={(e) => setTail(e.detail.value)}
            onConfirm={() => void byTail()}
          />
          <Button className="btn btn--primary btn--small" data-testid="lookup-submit" onClick={() => void byTail()}>
            查询
          </Button>
        </View>
      </View>
      {results && (
        <View className="card">
          {results.map((member) => (
            <View key={member.id} className="list-item" data-testid="lookup-result" onClick={() => openMember(member.id)}>
              <View className="list-item__main">
                <Text className="list-item__title">{member.nickname ?? '微信用户'}</Text>
                <Text className="muted small">{member.maskedPhone ?? '未绑定手机'}</Text>
              </View>
              <Text className="staff__tier">{member.tierLabel}</Text>
            </View>
          ))}
          {results.length === 0 && <Text className="muted">本店没有手机尾号为 {tail} 的会员</Text>}
        </View>
      )}
      <View className="row">
        <Text className="muted small" onClick={() => void Taro.navigateTo({ url: '/staff/pages/contacts/index' })}>
          我的客户
        </Text>
        <Text
          className="muted small"
          onClick={() => void staffApi.logout().then(() => Taro.redirectTo({ url: '/staff/pages/login/index' }))}
        >
          退出登录
        </Text>
      </View>
    </View>
  );
}
