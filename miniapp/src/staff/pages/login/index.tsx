import { Button, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { staffSignIn } from '../../../services/session';
import '../staff.css';

export default function StaffLoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const login = async () => {
    if (!username.trim() || !password) {
      void Taro.showToast({ title: '请输入账号和密码', icon: 'none' });
      return;
    }
    setBusy(true);
    try {
      const staff = await staffSignIn(username.trim(), password);
      void Taro.redirectTo({ url: staff.role === 'sales_rep' ? '/staff/pages/contacts/index' : '/staff/pages/lookup/index' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <View className="page staff">
      <View className="staff__banner">
        <Text className="staff__banner-title">店员工作台</Text>
        <Text className="staff__banner-sub">会员查询 · 核销 · 到店消费积分</Text>
      </View>
      <View className="card">
        <Text className="card__title">店员登录</Text>
        <View className="staff__field">
          <Input
            className="input"
            data-testid="staff-username"
            value={username}
            placeholder="账号"
            onInput={(e) => setUsername(e.detail.value)}
          />
        </View>
        <View className="staff__field">
          <Input
            className="input"
            data-testid="staff-password"
            password
            value={password}
            placeholder="密码"
            onInput={(e) => setPassword(e.detail.value)}
            onConfirm={() => void login()}
          />
        </View>
        <Button className="btn btn--primary" data-testid="staff-login" loading={busy || undefined} onClick={() => void login()}>
          登录
        </Button>
      </View>
    </View>
  );
}
