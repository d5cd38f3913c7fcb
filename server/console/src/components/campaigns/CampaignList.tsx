import {
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_STATUS_LABELS,
  type CampaignKindCode,
  type CampaignListResponse,
  type CampaignStatusCode,
} from '@member-ops/shared';
import { Alert, Button, Space, Table, Tag } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api';
import { formatTime } from '../../format';
import { useLoad } from '../../useLoad';

type CampaignRow = CampaignListResponse['items'][number];

export const STATUS_COLORS: Record<CampaignStatusCode, string> = {
  draft: 'default',
  scheduled: 'blue',
  running: 'green',
  paused: 'orange',
  finished: 'purple',
};

export function CampaignList() {
  const navigate = useNavigate();
  const list = useLoad(() => api<CampaignListResponse>('GET', '/admin/campaigns'), 'campaigns');
  if (list.error)
    return <Alert type="error" showIcon message="无法打开营销活动" description={list.error} data-testid="campaigns-error" />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => navigate('/campaigns/new')}>
        新建活动
      </Button>
      <Table<CampaignRow>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: '名称',
            dataIndex: 'name',
            render: (name: string, c: CampaignRow) => <Link to={`/campaigns/${c.id}`}>{name}</Link>,
          },
          { title: '类型', dataIndex: 'kind', render: (k: CampaignKindCode) => CAMPAIGN_KIND_LABELS[k] },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: CampaignStatusCode) => <Tag color={STATUS_COLORS[s]}>{CAMPAIGN_STATUS_LABELS[s]}</Tag>,
          },
          { title: '步骤', dataIndex: 'stepCount' },
          { title: '已发送', dataIndex: 'sent' },
          { title: '对照组', dataIndex: 'holdoutRatioBp', render: (bp: number) => `${bp / 100}%` },
          { title: '更新于', dataIndex: 'updatedAt', render: formatTime },
        ]}
      />
    </Space>
  );
}
