import { LIFECYCLE_LABELS, RFM_SEGMENT_LABELS, TIER_LABELS, type DashboardResponse, type TierCode } from '@member-ops/shared';
import { Alert, Card, Col, Row, Statistic } from 'antd';
import { useCallback } from 'react';
import { api } from '../api';
import { ActiveCampaignsCard } from '../components/ActiveCampaignsCard';
import { Chart } from '../components/Chart';
import { JobRunsCard } from '../components/JobRunsCard';
import { RefreshSegmentsCard } from '../components/RefreshSegmentsCard';
import { formatPercent, formatTime } from '../format';
import { useLoad } from '../useLoad';

const tierName = (code: string): string => TIER_LABELS[code as TierCode] ?? (code || '新会员');

/** Tier moves as a Sankey: the left column is the tier before, the right one the tier after. */
function migrationOption(rows: DashboardResponse['tierMigrations']) {
  const links = new Map<string, number>();
  for (const row of rows) {
    const key = `${tierName(row.from)}（原）|${tierName(row.to)}（现）`;
    links.set(key, (links.get(key) ?? 0) + row.members);
  }
  const names = new Set<string>();
  const data = [...links].map(([key, value]) => {
    const [source = '', target = ''] = key.split('|');
    names.add(source);
    names.add(target);
    return { source, target, value };
  });
  return {
    tooltip: { trigger: 'item' as const },
    series: [
      {
        type: 'sankey' as const,
        data: [...names].map((name) => ({ name })),
        links: data,
        emphasis: { focus: 'adjacency' as const },
      },
    ],
  };
}

export function DashboardPage() {
  const dash = useLoad(() => api<DashboardResponse>('GET', '/admin/dashboard'), 'dashboard');
  const reload = dash.reload;
  const onRefreshed = useCallback(() => reload(), [reload]);
  if (dash.error) return <Alert type="error" showIcon message={dash.error} />;
  const d = dash.data;
  return (
    <Row gutter={[16, 16]}>
      <Col span={6}>
        <Card size="small" loading={!d}>
          <Statistic title="会员总数" value={d?.members ?? 0} />
        </Card>
      </Col>
      <Col span={6}>
        <Card size="small" loading={!d}>
          <Statistic title="购买会员" value={d?.buyers ?? 0} />
        </Card>
      </Col>
      <Col span={6}>
        <Card size="small" loading={!d}>
          <Statistic title="复购率" value={formatPercent(d?.repeatPurchaseRate ?? 0)} valueStyle={{ color: '#c2410c' }} />
        </Card>
      </Col>
      <Col span={6}>
        <Card size="small" loading={!d}>
          <Statistic title="分层更新于" value={formatTime(d?.segmentsAsOf)} valueStyle={{ fontSize: 16 }} />
        </Card>
      </Col>
      <Col span={8}>
        <Card size="small" title="会员等级分布">
          {d && (
            <Chart
              testId="chart-tiers"
              option={{
                tooltip: { trigger: 'item' },
                legend: { bottom: 0 },
                series: [
                  {
                    type: 'pie',
                    radius: ['40%', '68%'],
                    data: d.byTier.map((t) => ({ name: TIER_LABELS[t.tier], value: t.members })),
                  },
                ],
              }}
            />
          )}
        </Card>
      </Col>
      <Col span={8}>
        <Card size="small" title="生命周期漏斗">
          {d && (
            <Chart
              testId="chart-lifecycle"
              option={{
                tooltip: { trigger: 'item' },
                series: [
                  {
                    type: 'funnel',
                    sort: 'none',
                    label: { formatter: '{b}: {c}' },
                    data: d.lifecycleFunnel.map((s) => ({ name: LIFECYCLE_LABELS[s.stage], value: s.members })),
                  },
                ],
              }}
            />
          )}
        </Card>
      </Col>
      <Col span={8}>
        <RefreshSegmentsCard onFinished={onRefreshed} />
      </Col>
      <Col span={12}>
        <Card size="small" title="RFM 八类人群：人数与营收占比">
          {d && (
            <Chart
              testId="chart-rfm"
              option={{
                tooltip: { trigger: 'axis' },
                legend: { top: 0 },
                grid: { left: 50, right: 50, bottom: 60 },
                xAxis: {
                  type: 'category',
                  data: d.rfmMatrix.map((r) => RFM_SEGMENT_LABELS[r.segment]),
                  axisLabel: { rotate: 30 },
                },
                yAxis: [
                  { type: 'value', name: '人数' },
                  { type: 'value', name: '营收占比', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
                ],
                series: [
                  { name: '人数', type: 'bar', data: d.rfmMatrix.map((r) => r.members) },
                  {
                    name: '营收占比',
                    type: 'line',
                    yAxisIndex: 1,
                    data: d.rfmMatrix.map((r) => Number(r.revenueShare.toFixed(4))),
                  },
                ],
              }}
            />
          )}
        </Card>
      </Col>
      <Col span={12}>
        <Card size="small" title="等级迁移（近 12 个月）">
          {d &&
            (d.tierMigrations.length === 0 ? (
              <Alert type="info" message="暂无等级变化记录（分层重算后出现）" />
            ) : (
              <Chart testId="chart-migrations" option={migrationOption(d.tierMigrations)} />
            ))}
        </Card>
      </Col>
      <Col span={12}>
        <ActiveCampaignsCard />
      </Col>
      <Col span={12}>
        <JobRunsCard />
      </Col>
    </Row>
  );
}
