import type { CampaignListResponse, CampaignReportResponse } from '@member-ops/shared';
import { Alert, Card, Table } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { formatPercent, formatYuan } from '../format';
import { useLoad } from '../useLoad';

interface Row {
  id: number;
  name: string;
  report: CampaignReportResponse;
}

/** Running campaigns with their measured uplift over the holdout group. */
export function ActiveCampaignsCard() {
  const rows = useLoad(async (): Promise<Row[]> => {
    const list = await api<CampaignListResponse>('GET', '/admin/campaigns?status=running');
    return Promise.all(
      list.items.slice(0, 8).map(async (c) => ({
        id: c.id,
        name: c.name,
        report: await api<CampaignReportResponse>('GET', `/admin/campaigns/${c.id}/report`),
      })),
    );
  }, 'active-campaigns');
  return (
    <Card size="small" title="进行中的活动">
      {rows.error && <Alert type="error" showIcon message={rows.error} />}
      <Table<Row>
        size="small"
        rowKey="id"
        loading={rows.loading}
        pagination={false}
        dataSource={rows.data ?? []}
        locale={{ emptyText: '暂无进行中的活动' }}
        columns={[
          { title: '活动', render: (_: unknown, r: Row) => <Link to={`/campaigns/${r.id}`}>{r.name}</Link> },
          { title: '已发送', render: (_: unknown, r: Row) => r.report.deliveries.sent },
          {
            title: '转化（实验/对照）',
            render: (_: unknown, r: Row) =>
              `${formatPercent(r.report.treated.conversionRate)} / ${formatPercent(r.report.control.conversionRate)}`,
          },
          {
            title: '提升',
            render: (_: unknown, r: Row) =>
              r.report.uplift.absolute === null
                ? '—'
                : `${formatPercent(r.report.uplift.absolute)}${r.report.uplift.significant ? '（显著）' : ''}`,
          },
          { title: '增量营收', render: (_: unknown, r: Row) => formatYuan(r.report.incrementalRevenueFen) },
        ]}
      />
    </Card>
  );
}
