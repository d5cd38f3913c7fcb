import {
  LIFECYCLE_LABELS,
  LIFECYCLE_STAGES,
  MEMBER_SORTS,
  RFM_SEGMENTS,
  RFM_SEGMENT_LABELS,
  TIER_CODES,
  TIER_LABELS,
  VALUE_LAYERS,
  VALUE_LAYER_LABELS,
  type MemberListItem,
  type MemberListResponse,
  type MemberSort,
} from '@member-ops/shared';
import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, queryString } from '../api';
import { TIER_COLORS, formatDate, formatYuan, lifecycleLabel, rfmLabel, tierLabel, valueLayerLabel } from '../format';
import { useLoad } from '../useLoad';

interface Filters {
  tier?: string[];
  lifecycle?: string[];
  rfmSegment?: string[];
  valueLayer?: string[];
  tag?: string;
  phoneTail?: string;
  lastOrderFrom?: string;
  lastOrderTo?: string;
  sort: MemberSort;
}

type FormValues = Omit<Filters, 'lastOrderFrom' | 'lastOrderTo'> & { lastOrder?: [Dayjs, Dayjs] | null };

const SORT_LABELS: Record<MemberSort, string> = { newest: '最新注册', last_order: '最近下单', expected_value: '预测价值' };
const options = <T extends string>(values: readonly T[], labels: Record<T, string>) =>
  values.map((value) => ({ value, label: labels[value] }));

export function MembersPage() {
  const [filters, setFilters] = useState<Filters>({ sort: 'newest' });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const list = useLoad(
    () => api<MemberListResponse>('GET', `/staff/members${queryString({ ...filters, cursor, pageSize: 20 })}`),
    JSON.stringify([filters, cursor]),
  );
  const columns = [
    { title: 'ID', dataIndex: 'id', render: (id: number) => <Link to={`/members/${id}`}>{id}</Link> },
    { title: '昵称', dataIndex: 'nickname', render: (v: string | null) => v ?? '—' },
    { title: '手机', dataIndex: 'phoneMasked', render: (v: string | null) => v ?? '未绑定' },
    { title: '等级', dataIndex: 'tier', render: (t: MemberListItem['tier']) => <Tag color={TIER_COLORS[t]}>{tierLabel(t)}</Tag> },
    { title: '生命周期', dataIndex: 'lifecycle', render: lifecycleLabel },
    { title: 'RFM', dataIndex: 'rfmSegment', render: rfmLabel },
    { title: '价值分层', dataIndex: 'valueLayer', render: valueLayerLabel },
    { title: '订单', dataIndex: 'ordersTotal' },
    { title: '累计消费', dataIndex: 'spendTotalFen', render: formatYuan },
    { title: '最近下单', dataIndex: 'lastOrderAt', render: formatDate },
    { title: '预测年价值', dataIndex: 'expectedValue365Fen', render: formatYuan },
  ];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Form
          layout="inline"
          initialValues={filters}
          onFinish={({ lastOrder, ...values }: FormValues) => {
            setFilters({
              ...values,
              ...(lastOrder
                ? {
                    lastOrderFrom: lastOrder[0].startOf('day').toISOString(),
                    lastOrderTo: lastOrder[1].endOf('day').toISOString(),
                  }
                : {}),
            });
            setCursors([]);
          }}
        >
          <Form.Item name="tier" label="等级">
            <Select mode="multiple" allowClear style={{ minWidth: 160 }} options={options(TIER_CODES, TIER_LABELS)} />
          </Form.Item>
          <Form.Item name="lifecycle" label="生命周期">
            <Select mode="multiple" allowClear style={{ minWidth: 160 }} options={options(LIFECYCLE_STAGES, LIFECYCLE_LABELS)} />
          </Form.Item>
          <Form.Item name="rfmSegment" label="RFM">
            <Select mode="multiple" allowClear style={{ minWidth: 160 }} options={options(RFM_SEGMENTS, RFM_SEGMENT_LABELS)} />
          </Form.Item>
          <Form.Item name="valueLayer" label="价值">
            <Select mode="multiple" allowClear style={{ minWidth: 120 }} options={options(VALUE_LAYERS, VALUE_LAYER_LABELS)} />
          </Form.Item>
          <Form.Item name="tag" label="标签">
            <Input allowClear style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="phoneTail" label="手机尾号">
            <Input allowClear maxLength={4} style={{ width: 80 }} />
          </Form.Item>
          <Form.Item name="lastOrder" label="最近下单">
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item name="sort" label="排序">
            <Select style={{ width: 120 }} options={options(MEMBER_SORTS, SORT_LABELS)} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form>
      </Card>
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Table<MemberListItem>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        pagination={false}
      />
      <Space>
        <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          上一页
        </Button>
        <span>第 {cursors.length + 1} 页</span>
        <Button
          disabled={!list.data?.nextCursor}
          onClick={() => {
            const next = list.data?.nextCursor;
            if (next) setCursors((c) => [...c, next]);
          }}
        >
          下一页
        </Button>
      </Space>
    </Space>
  );
}
