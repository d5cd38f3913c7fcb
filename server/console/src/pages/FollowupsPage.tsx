import {
  FOLLOWUP_STATUSES,
  FOLLOWUP_STATUS_LABELS,
  type FollowupListResponse,
  type FollowupStatus,
  type FollowupView,
} from '@member-ops/shared';
import { Alert, Segmented, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, queryString } from '../api';
import { OutcomeButton } from '../components/FollowupButton';
import { formatTime, tierLabel } from '../format';
import { useLoad } from '../useLoad';
import { PAGE_SIZE, pagePagination } from '../paging';

const DUE = [
  { value: 'all', label: '全部' },
  { value: 'overdue', label: '已逾期' },
  { value: 'today', label: '今日' },
  { value: 'upcoming', label: '待办' },
];

export function FollowupsPage() {
  const [due, setDue] = useState('all');
  const [status, setStatus] = useState<FollowupStatus | undefined>();
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => api<FollowupListResponse>('GET', `/staff/followups${queryString({ due, status, page, pageSize: PAGE_SIZE })}`),
    JSON.stringify([due, status, page]),
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Segmented
          options={DUE}
          value={due}
          onChange={(v) => {
            setDue(String(v));
            setPage(1);
          }}
        />
        <Select
          allowClear
          placeholder="状态"
          style={{ width: 140 }}
          value={status}
          onChange={(v: FollowupStatus | undefined) => {
            setStatus(v);
            setPage(1);
          }}
          options={FOLLOWUP_STATUSES.map((s) => ({ value: s, label: FOLLOWUP_STATUS_LABELS[s] }))}
        />
      </Space>
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Table<FollowupView>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={pagePagination(page, setPage, list.data)}
        columns={[
          {
            title: '会员',
            render: (_: unknown, f: FollowupView) => (
              <Link to={`/members/${f.memberId}`}>{f.memberNickname ?? `会员 ${f.memberId}`}</Link>
            ),
          },
          { title: '等级', dataIndex: 'memberTier', render: tierLabel },
          { title: '事项', dataIndex: 'title', render: (t: string | null) => t ?? '—' },
          {
            title: '到期',
            dataIndex: 'dueAt',
            render: (d: string, f: FollowupView) => (
              <span style={{ color: f.overdue ? '#cf1322' : undefined }}>{formatTime(d)}</span>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: FollowupStatus) => (
              <Tag color={s === 'open' ? 'orange' : s === 'converted' ? 'green' : 'default'}>{FOLLOWUP_STATUS_LABELS[s]}</Tag>
            ),
          },
          { title: '记录', dataIndex: 'outcomeNote', render: (n: string | null) => n ?? '—' },
          {
            title: '',
            render: (_: unknown, f: FollowupView) =>
              f.status === 'open' && <OutcomeButton followupId={f.id} onDone={list.reload} />,
          },
        ]}
      />
    </Space>
  );
}
