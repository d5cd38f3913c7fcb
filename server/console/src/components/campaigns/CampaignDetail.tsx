import {
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_STATUS_LABELS,
  DELIVERY_OUTCOME_LABELS,
  GUARD_OUTCOME_LABELS,
  type GuardOutcome,
  type CampaignPreviewResponse,
  type CampaignReportResponse,
  type CampaignTransition,
  type CampaignView,
} from '@member-ops/shared';
import { Alert, App, Button, Card, Col, Descriptions, Row, Space, Statistic, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, errorText } from '../../api';
import { formatPercent, formatTime, formatYuan } from '../../format';
import { useLoad } from '../../useLoad';
import { Chart } from '../Chart';
import { STATUS_COLORS } from './CampaignList';
import { ACTION_LABELS, CONDITION_LABELS } from './StepsEditor';

const TRANSITIONS: Record<CampaignView['status'], { action: CampaignTransition; label: string }[]> = {
  draft: [
    { action: 'start', label: '立即开始' },
    { action: 'schedule', label: '定时开始' },
  ],
  scheduled: [{ action: 'finish', label: '结束' }],
  running: [
    { action: 'pause', label: '暂停' },
    { action: 'finish', label: '结束' },
  ],
  paused: [
    { action: 'resume', label: '恢复' },
    { action: 'finish', label: '结束' },
  ],
  finished: [],
};

const BLOCK_LABELS: Record<keyof CampaignPreviewResponse['blocked'], string> = {
  do_not_contact: '勿扰',
  no_consent: '未授权订阅',
  frequency_cap: '频次限制',
  quiet_hours: '免打扰时段',
};

function PreviewCard({ preview }: { preview: CampaignPreviewResponse }) {
  return (
    <Card size="small" title="预览">
      <Space size="large" wrap>
        <Statistic title="目标人数" value={preview.audience} />
        <Statistic title="对照组" value={preview.holdout} />
        <Statistic title="实验组" value={preview.treated} />
        {Object.entries(preview.blocked).map(([key, value]) => (
          <Statistic key={key} title={`拦截：${BLOCK_LABELS[key as keyof typeof BLOCK_LABELS]}`} value={value} />
        ))}
      </Space>
      {preview.couponStockShort && (
        <Alert type="warning" showIcon message="优惠券库存不足以覆盖实验组" style={{ marginTop: 8 }} />
      )}
    </Card>
  );
}

const skipLabel = (reason: string) => GUARD_OUTCOME_LABELS[reason as GuardOutcome] ?? '其他原因';

function ReportCard({ report }: { report: CampaignReportResponse }) {
  const { uplift } = report;
  return (
    <Card size="small" title={`效果报告（归因 ${report.attributionDays} 天，截至 ${formatTime(report.asOf)}）`}>
      <Space size="large" wrap>
        <Statistic title={DELIVERY_OUTCOME_LABELS.sent} value={report.deliveries.sent} />
        <Statistic
          title={
            <Tooltip title="消息已交给微信，但发送过程中断、未收到结果：可能已送达，不会重发，已扣除订阅次数">
              {DELIVERY_OUTCOME_LABELS.unknown}
            </Tooltip>
          }
          value={report.deliveries.unknown}
        />
        <Statistic title="实验组转化率" value={formatPercent(report.treated.conversionRate)} />
        <Statistic title="对照组转化率" value={formatPercent(report.control.conversionRate)} />
        <Statistic
          title="提升（95% 区间）"
          value={
            uplift.absolute === null
              ? '—'
              : `${formatPercent(uplift.absolute)}（${formatPercent(uplift.low)} ~ ${formatPercent(uplift.high)}）`
          }
          valueStyle={{ color: uplift.significant ? '#389e0d' : undefined, fontSize: 18 }}
        />
        <Statistic title="增量营收" value={formatYuan(report.incrementalRevenueFen)} />
        <Statistic title="券核销" value={`${report.coupons.redeemed} / ${report.coupons.issued}`} />
      </Space>
      <Row gutter={16} style={{ marginTop: 12 }}>
        <Col span={12}>
          <Chart
            height={240}
            testId="chart-conversion"
            option={{
              tooltip: { trigger: 'axis' },
              xAxis: { type: 'category', data: ['实验组', '对照组'] },
              yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${(v * 100).toFixed(1)}%` } },
              series: [
                {
                  type: 'bar',
                  data: [report.treated.conversionRate, report.control.conversionRate],
                  itemStyle: { color: '#c2410c' },
                },
              ],
            }}
          />
        </Col>
        <Col span={12}>
          <Chart
            height={240}
            testId="chart-deliveries"
            option={{
              tooltip: { trigger: 'item' },
              series: [
                {
                  type: 'pie',
                  radius: '65%',
                  data: [
                    { name: DELIVERY_OUTCOME_LABELS.sent, value: report.deliveries.sent },
                    { name: DELIVERY_OUTCOME_LABELS.unknown, value: report.deliveries.unknown },
                    { name: DELIVERY_OUTCOME_LABELS.pending, value: report.deliveries.pending },
                    { name: DELIVERY_OUTCOME_LABELS.deferred, value: report.deliveries.deferred },
                    { name: DELIVERY_OUTCOME_LABELS.failed, value: report.deliveries.failed },
                    ...Object.entries(report.deliveries.skipped).map(([reason, value]) => ({
                      name: `${DELIVERY_OUTCOME_LABELS.skipped}：${skipLabel(reason)}`,
                      value,
                    })),
                  ].filter((d) => d.value > 0),
                },
              ],
            }}
          />
        </Col>
      </Row>
    </Card>
  );
}

export function CampaignDetail() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const campaign = useLoad(() => api<CampaignView>('GET', `/admin/campaigns/${id}`), id ?? '');
  const report = useLoad(() => api<CampaignReportResponse>('GET', `/admin/campaigns/${id}/report`), `report-${id}`);
  const [preview, setPreview] = useState<CampaignPreviewResponse | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  if (campaign.error) return <Alert type="error" showIcon message={campaign.error} />;
  const c = campaign.data;
  if (!c) return <Card loading />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            {c.name}
            <Tag color={STATUS_COLORS[c.status]}>{CAMPAIGN_STATUS_LABELS[c.status]}</Tag>
          </Space>
        }
        extra={
          <Space>
            <Button
              onClick={() =>
                run(async () => setPreview(await api<CampaignPreviewResponse>('POST', `/admin/campaigns/${c.id}/preview`, {})))
              }
            >
              预览人群
            </Button>
            {TRANSITIONS[c.status].map((t) => (
              <Button
                key={t.action}
                type={t.action === 'start' || t.action === 'resume' ? 'primary' : 'default'}
                onClick={() =>
                  run(async () => {
                    await api('POST', `/admin/campaigns/${c.id}/transition`, { action: t.action });
                    campaign.reload();
                    report.reload();
                  })
                }
              >
                {t.label}
              </Button>
            ))}
            {c.status === 'draft' && <Button onClick={() => navigate(`/campaigns/${c.id}/edit`)}>编辑</Button>}
            <Button onClick={() => navigate(`/campaigns/new?from=${c.id}`)}>复制为变体</Button>
          </Space>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="类型">{CAMPAIGN_KIND_LABELS[c.kind]}</Descriptions.Item>
          <Descriptions.Item label="对照组">{c.holdoutRatioBp / 100}%</Descriptions.Item>
          <Descriptions.Item label="归因天数">{c.attributionDays}</Descriptions.Item>
          <Descriptions.Item label="券预算">
            {c.budgetFen === null ? '不限' : `${formatYuan(c.committedFen)} / ${formatYuan(c.budgetFen)}`}
          </Descriptions.Item>
          <Descriptions.Item label="执行时间">{c.cron ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="说明">{c.description ?? '—'}</Descriptions.Item>
        </Descriptions>
        {c.steps.map((step) => (
          <Tag key={step.id} style={{ marginBottom: 4 }}>
            第{step.position + 1}步 · 等待{step.waitDays}天 · {CONDITION_LABELS[step.condition]} ·{' '}
            {ACTION_LABELS[step.action.type]}
          </Tag>
        ))}
      </Card>
      {preview && (
        <div data-testid="campaign-preview">
          <PreviewCard preview={preview} />
        </div>
      )}
      {report.error && <Alert type="info" showIcon message={report.error} />}
      {report.data && (
        <div data-testid="campaign-report">
          <ReportCard report={report.data} />
        </div>
      )}
    </Space>
  );
}
