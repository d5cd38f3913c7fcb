import { Button, Input, Picker, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { BindPhoneResponse, type MeResponse, type UpdateMeRequest } from '@member-ops/shared';
import { apiRequest } from '../../../services/http';
import { shopApi } from '../../../services/shop-api';
import { usePageTracking } from '../../../services/tracking';
import './index.css';

const GENDER_OPTIONS: { value: 'male' | 'female' | 'unknown'; label: string }[] = [
  { value: 'female', label: '女' },
  { value: 'male', label: '男' },
  { value: 'unknown', label: '保密' },
];

/** Binds the phone: WeChat's getPhoneNumber code on WeChat; in the h5 sandbox, a typed number becomes the code. */
function bindPhone(code: string) {
  return apiRequest({ method: 'POST', path: '/api/me/phone', body: { code }, schema: BindPhoneResponse });
}

export default function ProfilePage() {
  usePageTracking('shop/pages/profile/index');
  const [me, setMe] = useState<MeResponse>();
  const [nickname, setNickname] = useState('');
  const [birthday, setBirthday] = useState('');
  const [gender, setGender] = useState<'male' | 'female' | 'unknown'>('unknown');
  const [region, setRegion] = useState('');
  const [phone, setPhone] = useState('');
  const [saving, setSaving] = useState(false);

  const show = (profile: MeResponse) => {
    setMe(profile);
    setNickname(profile.nickname ?? '');
    setBirthday(profile.birthday ?? '');
    setGender(profile.gender);
    setRegion(profile.region ?? '');
  };
  useDidShow(() => void shopApi.me().then(show));

  const save = async () => {
    if (!me) return;
    const patch: UpdateMeRequest = {};
    if (nickname.trim() && nickname.trim() !== me.nickname) patch.nickname = nickname.trim();
    if (birthday && birthday !== me.birthday) patch.birthday = birthday;
    if (gender !== me.gender) patch.gender = gender;
    if (region.trim() && region.trim() !== me.region) patch.region = region.trim();
    if (Object.keys(patch).length === 0) {
      void Taro.showToast({ title: '没有修改', icon: 'none' });
      return;
    }
    setSaving(true);
    try {
      show(await shopApi.updateMe(patch));
      void Taro.showToast({ title: '已保存', icon: 'success' });
    } finally {
      setSaving(false);
    }
  };

  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return (
    <View className="page">
      <View className="card">
        <View className="profile__field">
          <Text className="profile__label">昵称</Text>
          <Input
            className="input"
            data-testid="profile-nickname"
            value={nickname}
            placeholder="填写昵称"
            onInput={(e) => setNickname(e.detail.value)}
          />
        </View>
        <View className="profile__field">
          <Text className="profile__label">生日</Text>
          {me?.birthday ? (
            <Text>{me.birthday}（已设置，不可修改）</Text>
          ) : (
            <Picker
              mode="date"
              value={birthday || '1995-01-01'}
              start="1920-01-01"
              end={today}
              onChange={(e) => setBirthday(String(e.detail.value))}
            >
              <Text className={birthday ? '' : 'muted'}>{birthday || '选择生日，生日月领专属礼券'}</Text>
            </Picker>
          )}
        </View>
        <View className="profile__field">
          <Text className="profile__label">性别</Text>
          <View className="chips">
            {GENDER_OPTIONS.map((option) => (
              <Text
                key={option.value}
                className={`chip ${gender === option.value ? 'chip--active' : ''}`}
                onClick={() => setGender(option.value)}
              >
                {option.label}
              </Text>
            ))}
          </View>
        </View>
        <View className="profile__field">
          <Text className="profile__label">地区</Text>
          <Input className="input" value={region} placeholder="如 上海市 静安区" onInput={(e) => setRegion(e.detail.value)} />
        </View>
        <Button className="btn btn--primary" loading={saving || undefined} onClick={() => void save()}>
          保存资料
        </Button>
      </View>
      <View className="card">
        <Text className="card__title">手机号</Text>
        {me?.hasPhone ? (
          <Text data-testid="profile-phone">{me.maskedPhone}</Text>
        ) : process.env.TARO_ENV === 'weapp' ? (
          <Button
            className="btn btn--plain"
            openType="getPhoneNumber"
            onGetPhoneNumber={(event) => {
              const code = (event.detail as { code?: string }).code;
              if (code) void bindPhone(code).then(() => shopApi.me().then(show));
            }}
          >
            微信手机号快捷绑定
          </Button>
        ) : (
          <View className="profile__phone">
            <Input
              className="input"
              data-testid="profile-phone-input"
              type="number"
              value={phone}
              placeholder="11 位手机号"
              onInput={(e) => setPhone(e.detail.value)}
            />
            <Button
              className="btn btn--plain btn--small"
              data-testid="profile-phone-bind"
              onClick={() => void bindPhone(`phone-${phone.trim()}`).then(() => shopApi.me().then(show))}
            >
              绑定
            </Button>
          </View>
        )}
        <Text className="muted small profile__note">绑定后可在门店报手机尾号查询会员、累积积分</Text>
      </View>
    </View>
  );
}
