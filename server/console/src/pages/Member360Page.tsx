import { getSegmentRuleCatalogue, type FullPhoneResponse, type Member360Response, type TimelineKind } from '@member-ops/shared';
import { Alert, App, Button, Card, Col, Descriptions, Progress, Row, Space, Statistic, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api, errorText } from '../api';
import {
  PRICE_BAND_LABELS,
  TIER_COLORS,
  formatDate,
  formatPercent,
  formatTime,
  formatYuan,
  lifecycleLabel,
  rfmLabel,
  tierLabel,
  valueLayerLabel,
} from '../format';
import { useLoad } from '../useLoad';
import { FollowupButton } from '../components/FollowupButton';
import { MemberPrivacyActions } from '../components/MemberPrivacyActions';
import { useCatalogNames } from '../catalog-names';

const KIND_LABELS: Record<TimelineKind, string> = {
  view: '浏览',
  order: '订单',
  points: '积分',
  coupon: '优惠券',
  message: '消息',
  followup: '跟进',
};
const KIND_COLORS: Record<TimelineKind, string> = {
  view: 'gray',
  order: 'green',
  points: 'orange',
  coupon: 'red',
  message: 'blue',
  followup: 'purple',
};
const STATUS_LABELS: Record<string, string> = {
  paid: '已支付',
  completed: '已完成',
  pending: '待支付',
  cancelled: '已取消',
  refunded: '已退款',
  partially_refunded: '部分退款',
  available: '可用',
  used: '已使用',
  expired: '已过期',
  locked: '锁定中',
  sent: '已发送',
  unknown: '结果未知',
  skipped: '未发送',
  failed: '发送失败',
  open: '待跟进',
  contacted: '已联系',
  no_answer: '未接通',
  converted: '已成交',
  do_not_contact: '勿扰',
  earn: '消费得积分',
  redeem: '积分兑换',
  expire: '积分过期',
  sign_in: '签到',
};

const EVENT_LABELS: Record<string, string> = Object.fromEntries(
  getSegmentRuleCatalogue().eventTypes.map((e) => [e.type, e.label]),
);
const eventLabel = (title: string): string => EVENT_LABELS[title] ?? STATUS_LABELS[title] ?? title;

export function Member360Page() {
  const { memberId } = useParams();
  const { message } = App.useApp();
  const [phone, setPhone] = useState<string | null>(null);
  const named = useCatalogNames();
  const view = useLoad(() => api<Member360Response>('GET', `/staff/members/${memberId}/360`), memberId ?? '');
  if (view.error) return <Alert type="error" showIcon message={view.error} />;
  const data = view.data;
  if (!data) return <Card loading />;
  const { profile, tier, metrics, preferences } = data;
  const toNext = tier.toNextFen ?? 0;
  const percent = tier.nextTier
    ? Math.min(100, Math.round((tier.growthValueFen / (tier.growthValueFen + toNext || 1)) * 100))
    : 100;
  const revealPhone = async () => {
    try {
      const result = await api<FullPhoneResponse>('GET', `/staff/members/${profile.id}/phone`);
      setPhone(result.phone);
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <span>{profile.nickname ?? `会员 ${profile.id}`}</span>
            <Tag color={TIER_COLORS[tier.code]}>{tierLabel(tier.code)}</Tag>
            {profile.doNotContact && <Tag color="red">勿扰</Tag>}
          </Space>
        }
        extra={
          <Space>
            <FollowupButton memberId={profile.id} />
            <MemberPrivacyActions memberId={profile.id} />
          </Space>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="会员ID">{profile.id}</Descriptions.Item>
          <Descriptions.Item label="手机">
            <Space>
              <span data-testid="member-phone">{phone ?? profile.phoneMasked ?? '未绑定'}</span>
              {profile.phoneMasked && !phone && (
                <Button size="small" type="link" onClick={revealPhone}>
                  查看完整号码（留痕）
                </Button>
              )}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label="性别">{{ male: '男', female: '女' }[profile.gender] ?? '未知'}</Descriptions.Item>
          <Descriptions.Item label="生日">{profile.birthday ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="地区">{profile.region ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="门店">{profile.storeName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="专属顾问">{profile.ownerRepName ?? '未分配'}</Descriptions.Item>
          <Descriptions.Item label="注册时间">{formatTime(profile.registeredAt)}</Descriptions.Item>
          <Descriptions.Item label="标签">
            {profile.tags.length ? profile.tags.map((t) => <Tag key={t}>{t}</Tag>) : '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col span={8}>
          <Card title="等级进度" size="small">
            <Progress percent={percent} status="active" />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              成长值 {formatYuan(tier.growthValueFen)}
              {tier.nextTier ? `，再消费 ${formatYuan(toNext)} 升级${tierLabel(tier.nextTier)}` : '，已是最高等级'}
            </Typography.Paragraph>
            <Typography.Text type="secondary">保级日期：{formatDate(tier.keepUntil)}</Typography.Text>
          </Card>
        </Col>
        <Col span={8}>
          <Card title="RFM 与生命周期" size="small">
            <Space size="large">
              <Statistic title="R" value={metrics.rfmR ?? '—'} />
              <Statistic title="F" value={metrics.rfmF ?? '—'} />
              <Statistic title="M" value={metrics.rfmM ?? '—'} />
            </Space>
            <div style={{ marginTop: 8 }}>
              <Tag color="blue">{rfmLabel(metrics.rfmSegment)}</Tag>
              <Tag>{lifecycleLabel(metrics.lifecycle)}</Tag>
              <Tag>{valueLayerLabel(metrics.valueLayer)}</Tag>
            </div>
          </Card>
        </Col>
        <Col span={8}>
          <Card title="预测" size="small">
            <Space size="large">
              <Statistic title="存活概率" value={formatPercent(metrics.pAlive)} />
              <Statistic title="预测年价值" value={formatYuan(metrics.expectedValue365Fen)} />
            </Space>
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              累计 {metrics.ordersTotal} 单 · {formatYuan(metrics.spendTotalFen)} · 积分 {metrics.pointsBalance}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={8}>
          <Card title="偏好" size="small">
            <p>品类：{named(preferences.topCategories) || '—'}</p>
            <p>品牌：{named(preferences.topBrands) || '—'}</p>
            <p>价位：{preferences.priceBand ? PRICE_BAND_LABELS[preferences.priceBand] : '—'}</p>
          </Card>
        </Col>
        <Col span={16}>
          <Card title="时间线" size="small" style={{ maxHeight: 520, overflow: 'auto' }}>
            <Timeline
              items={data.timeline.map((entry, i) => ({
                key: i,
                color: KIND_COLORS[entry.kind],
                children: (
                  <span>
                    <Tag>{KIND_LABELS[entry.kind]}</Tag>
                    {eventLabel(entry.title)} {entry.detail ?? ''}
                    <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                      {formatTime(entry.at)}
                    </Typography.Text>
                  </span>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
