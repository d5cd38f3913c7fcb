import {
  FOLLOWUP_STATUS_LABELS,
  TIER_CODES,
  TIER_LABELS,
  type ContactItem,
  type ContactListResponse,
  type ContactSort,
  type ContactSummaryResponse,
  type RepsResponse,
  type TierCode,
} from '@member-ops/shared';
import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, download, errorText, queryString } from '../api';
import { FollowupButton, OutcomeButton } from '../components/FollowupButton';
import { formatDate, formatPercent, formatTime, formatYuan, lifecycleLabel } from '../format';
import { useCatalogNames } from '../catalog-names';
import { useSession } from '../session';
import { useLoad } from '../useLoad';
import { PAGE_SIZE, pagePagination } from '../paging';

const SORTS: { value: ContactSort; label: string }[] = [
  { value: 'priority', label: '价值×风险' },
  { value: 'value', label: '预测价值' },
  { value: 'risk', label: '流失风险' },
];

function RepPicker({ repId, onChange }: { repId: number | undefined; onChange: (id: number) => void }) {
  const reps = useLoad(() => api<RepsResponse>('GET', '/admin/reps'), 'reps');
  return (
    <Select
      placeholder="选择销售顾问"
      style={{ width: 200 }}
      value={repId}
      onChange={onChange}
      options={(reps.data?.reps ?? []).map((r) => ({ value: r.repId, label: `${r.displayName}（${r.members}人）` }))}
    />
  );
}

export function ContactsPage() {
  const { staff } = useSession();
  const { message } = App.useApp();
  const isRep = staff.role === 'sales_rep';
  const named = useCatalogNames();
  const [repId, setRepId] = useState<number | undefined>(isRep ? staff.id : undefined);
  const [tier, setTier] = useState<TierCode>('gold');
  const [sort, setSort] = useState<ContactSort>('priority');
  const [page, setPage] = useState(1);
  const ready = repId !== undefined;
  const scope = { repId: isRep ? undefined : repId };
  const summary = useLoad(
    () =>
      ready ? api<ContactSummaryResponse>('GET', `/staff/contacts/summary${queryString(scope)}`) : Promise.resolve(undefined),
    `summary-${repId}`,
  );
  const list = useLoad(
    () =>
      ready
        ? api<ContactListResponse>('GET', `/staff/contacts${queryString({ ...scope, tier, sort, page, pageSize: PAGE_SIZE })}`)
        : Promise.resolve(undefined),
    JSON.stringify([repId, tier, sort, page]),
  );
  const reload = () => {
    list.reload();
    summary.reload();
  };
  const exportCsv = async () => {
    try {
      await download(`/staff/contacts/export${queryString({ ...scope, tier, sort })}`, `分层名单-${TIER_LABELS[tier]}.csv`);
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const counts = new Map(summary.data?.tiers.map((t) => [t.tier, t]) ?? []);
  const tracks = list.data?.talkTracks ?? [];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        {!isRep && <RepPicker repId={repId} onChange={setRepId} />}
        <Segmented options={SORTS} value={sort} onChange={(v) => setSort(v as ContactSort)} />
        <Button icon={<DownloadOutlined />} onClick={exportCsv} disabled={!ready}>
          导出名单（CSV）
        </Button>
        {summary.data && summary.data.overdueFollowups > 0 && <Tag color="red">逾期跟进 {summary.data.overdueFollowups}</Tag>}
      </Space>
      {!ready && <Empty description="请选择销售顾问" />}
      {list.error && <Alert type="error" showIcon message={list.error} />}
      {ready && (
        <Tabs
          activeKey={tier}
          onChange={(key) => {
            setTier(key as TierCode);
            setPage(1);
          }}
          items={[...TIER_CODES].reverse().map((code) => ({
            key: code,
            label: `${TIER_LABELS[code]}（${counts.get(code)?.members ?? 0}）`,
          }))}
        />
      )}
      {ready && (
        <Row gutter={16}>
          <Col span={17}>
            <Table<ContactItem>
              rowKey="memberId"
              size="small"
              loading={list.loading}
              dataSource={list.data?.items ?? []}
              pagination={pagePagination(page, setPage, list.data)}
              columns={[
                {
                  title: '会员',
                  render: (_: unknown, c: ContactItem) => (
                    <Space direction="vertical" size={0}>
                      <Link to={`/members/${c.memberId}`}>{c.nickname ?? `会员 ${c.memberId}`}</Link>
                      <Typography.Text type="secondary">{c.phoneMasked ?? '未绑定手机'}</Typography.Text>
                    </Space>
                  ),
                },
                { title: '生命周期', dataIndex: 'lifecycle', render: lifecycleLabel },
                { title: '预测年价值', dataIndex: 'expectedValue365Fen', render: formatYuan },
                { title: '流失风险', dataIndex: 'risk', render: (r: number | null) => formatPercent(r, 0) },
                {
                  title: '最近下单',
                  render: (_: unknown, c: ContactItem) =>
                    `${formatDate(c.lastOrderAt)} ${c.lastOrderAmountFen ? formatYuan(c.lastOrderAmountFen) : ''}`,
                },
                {
                  title: '偏好',
                  render: (_: unknown, c: ContactItem) => named([...c.topCategories, ...c.topBrands].slice(0, 3)) || '—',
                },
                {
                  title: '跟进',
                  render: (_: unknown, c: ContactItem) =>
                    c.openFollowup ? (
                      <Space direction="vertical" size={2}>
                        <Tag color="orange">
                          {FOLLOWUP_STATUS_LABELS[c.openFollowup.status]} · {formatTime(c.openFollowup.dueAt)}
                        </Tag>
                        <OutcomeButton followupId={c.openFollowup.id} onDone={reload} />
                      </Space>
                    ) : (
                      <FollowupButton memberId={c.memberId} onDone={reload} />
                    ),
                },
              ]}
            />
          </Col>
          <Col span={7}>
            <Card size="small" title={`${TIER_LABELS[tier]}话术（FABE）`}>
              {tracks.length === 0 && <Empty description="暂无话术" />}
              {tracks.map((track) => (
                <Descriptions key={track.id} title={track.title} size="small" column={1} style={{ marginBottom: 12 }}>
                  <Descriptions.Item label="特征 F">{track.feature}</Descriptions.Item>
                  <Descriptions.Item label="优势 A">{track.advantage}</Descriptions.Item>
                  <Descriptions.Item label="利益 B">{track.benefit}</Descriptions.Item>
                  <Descriptions.Item label="证据 E">{track.evidence}</Descriptions.Item>
                </Descriptions>
              ))}
            </Card>
          </Col>
        </Row>
      )}
    </Space>
  );
}
