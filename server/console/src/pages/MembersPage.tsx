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
  type MemberFilterOptionsResponse,
  type MemberListItem,
  type MemberListResponse,
  type MemberSort,
} from '@member-ops/shared';
import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, queryString } from '../api';
import { TIER_COLORS, formatDate, formatYuan, lifecycleLabel, rfmLabel, tierLabel, valueLayerLabel } from '../format';
import { PAGE_SIZE, useCursorPaging } from '../paging';
import { useSession } from '../session';
import { useLoad } from '../useLoad';

interface Filters {
  tier?: string[];
  lifecycle?: string[];
  rfmSegment?: string[];
  valueLayer?: string[];
  storeId?: number;
  repId?: number;
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

const NO_OPTIONS: MemberFilterOptionsResponse = { stores: [], reps: [] };

export function MembersPage() {
  const { staff } = useSession();
  const manager = staff.role === 'admin' || staff.role === 'operator';
  const [filters, setFilters] = useState<Filters>({ sort: 'newest' });
  const paging = useCursorPaging(JSON.stringify(filters));
  const cursor = paging.cursor;
  const list = useLoad(
    () => api<MemberListResponse>('GET', `/staff/members${queryString({ ...filters, cursor, pageSize: PAGE_SIZE })}`),
    JSON.stringify([filters, cursor]),
  );
  const filterOptions = useLoad(
    () => (manager ? api<MemberFilterOptionsResponse>('GET', '/admin/member-filters') : Promise.resolve(NO_OPTIONS)),
    `member-filters:${String(manager)}`,
  );
  const stores = filterOptions.data?.stores ?? [];
  const reps = filterOptions.data?.reps ?? [];
  const storeNames = useMemo(() => new Map(stores.map((s) => [s.id, s.name])), [stores]);
  const repNames = useMemo(() => new Map(reps.map((r) => [r.id, r.displayName])), [reps]);
  const managerColumns = manager
    ? [
        { title: '门店', dataIndex: 'storeId', render: (id: number | null) => (id === null ? '—' : (storeNames.get(id) ?? id)) },
        {
          title: '顾问',
          dataIndex: 'ownerRepId',
          render: (id: number | null) => (id === null ? '—' : (repNames.get(id) ?? id)),
        },
      ]
    : [];
  const columns = [
    { title: 'ID', dataIndex: 'id', render: (id: number) => <Link to={`/members/${id}`}>{id}</Link> },
    { title: '昵称', dataIndex: 'nickname', render: (v: string | null) => v ?? '—' },
    { title: '手机', dataIndex: 'phoneMasked', render: (v: string | null) => v ?? '未绑定' },
    { title: '等级', dataIndex: 'tier', render: (t: MemberListItem['tier']) => <Tag color={TIER_COLORS[t]}>{tierLabel(t)}</Tag> },
    { title: '生命周期', dataIndex: 'lifecycle', render: lifecycleLabel },
    { title: 'RFM', dataIndex: 'rfmSegment', render: rfmLabel },
    { title: '价值分层', dataIndex: 'valueLayer', render: valueLayerLabel },
    ...managerColumns,
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
          {manager && (
            <Form.Item name="storeId" label="门店">
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder="全部门店"
                style={{ width: 150 }}
                loading={filterOptions.loading}
                options={stores.map((s) => ({ value: s.id, label: s.name }))}
              />
            </Form.Item>
          )}
          {manager && (
            <Form.Item name="repId" label="销售顾问">
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                placeholder="全部顾问"
                style={{ width: 170 }}
                loading={filterOptions.loading}
                options={reps.map((r) => ({
                  value: r.id,
                  label: `${r.displayName}${r.storeId === null ? '' : ` · ${storeNames.get(r.storeId) ?? r.storeId}`}${r.active ? '' : '（已停用）'}`,
                }))}
              />
            </Form.Item>
          )}
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
      {filterOptions.error && <Alert type="warning" showIcon message={`门店与顾问列表加载失败：${filterOptions.error}`} />}
      <Table<MemberListItem>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        pagination={false}
      />
      <Space>
        <Button disabled={!paging.hasPrevious} onClick={paging.previous}>
          上一页
        </Button>
        <span data-testid="members-page">第 {paging.page} 页</span>
        <Button
          disabled={!list.data?.nextCursor}
          onClick={() => {
            const next = list.data?.nextCursor;
            if (next) paging.next(next);
          }}
        >
          下一页
        </Button>
      </Space>
    </Space>
  );
}
