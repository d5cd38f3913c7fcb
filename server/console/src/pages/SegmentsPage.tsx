import type { SegmentListResponse, SegmentPreviewResponse, SegmentResponse, SegmentView } from '@member-ops/shared';
import { Alert, App, Button, Card, Col, Form, Input, Popconfirm, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText } from '../api';
import { RuleBuilder } from '../components/RuleBuilder';
import { RuleCost } from '../components/RuleCost';
import { draftToRule, ruleToDraft, type RuleDraft } from '../rule-draft';
import { formatDate, formatTime, lifecycleLabel, rfmLabel, tierLabel } from '../format';
import { useLoad } from '../useLoad';

/** The live count waits this long after the last change before asking the server. */
const PREVIEW_DEBOUNCE_MS = 350;

function useLivePreview(rule: Record<string, unknown>) {
  const [preview, setPreview] = useState<SegmentPreviewResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const key = JSON.stringify(rule);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = setTimeout(() => {
      api<SegmentPreviewResponse>('POST', '/admin/segments/preview', { rule: JSON.parse(key) as unknown }).then(
        (result) => {
          if (!live) return;
          setPreview(result);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (!live) return;
          setError(errorText(err));
          setLoading(false);
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return { preview, error, loading };
}

const EMPTY_DRAFT: RuleDraft = { combine: 'all', conditions: [] };

export function SegmentsPage() {
  const { message } = App.useApp();
  const [draft, setDraft] = useState<RuleDraft>(EMPTY_DRAFT);
  const rule = useMemo(() => draftToRule(draft), [draft]);
  const { preview, error, loading } = useLivePreview(rule);
  const segments = useLoad(() => api<SegmentListResponse>('GET', '/admin/segments'), 'segments');
  const [form] = Form.useForm<{ name: string; description?: string }>();
  const [editing, setEditing] = useState<SegmentView | null>(null);

  const stopEditing = () => {
    setEditing(null);
    setDraft(EMPTY_DRAFT);
    form.resetFields();
  };
  const startEditing = (segment: SegmentView) => {
    const loaded = ruleToDraft(segment.rule);
    if (!loaded) {
      void message.warning('该人群的规则含嵌套或取反条件，圈选器无法编辑');
      return;
    }
    setEditing(segment);
    setDraft(loaded);
    form.setFieldsValue({ name: segment.name });
    window.scrollTo({ top: 0, behavior: 'smooth' });
  };
  const save = async (values: { name: string; description?: string }) => {
    try {
      if (editing) {
        const result = await api<SegmentResponse>('PUT', `/admin/segments/${editing.id}`, {
          ...values,
          ...(editing.description ? { description: editing.description } : {}),
          rule,
        });
        void message.success(`已更新人群「${result.segment.name}」，现有 ${result.segment.memberCount ?? 0} 人`);
        stopEditing();
      } else {
        const result = await api<SegmentResponse>('POST', '/admin/segments', { ...values, rule });
        void message.success(`已保存人群「${result.segment.name}」，共 ${result.segment.memberCount ?? 0} 人`);
        form.resetFields();
      }
      segments.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const archive = async (segment: SegmentView) => {
    try {
      await api('DELETE', `/admin/segments/${segment.id}`);
      if (editing?.id === segment.id) stopEditing();
      segments.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {editing && (
        <Alert
          type="info"
          showIcon
          data-testid="segment-editing"
          message={`正在编辑人群「${editing.name}」：修改条件或名称后点击「保存修改」，保存后立即按新规则重算成员`}
          action={
            <Button size="small" onClick={stopEditing}>
              取消编辑
            </Button>
          }
        />
      )}
      <Row gutter={16}>
        <Col span={14}>
          <RuleBuilder draft={draft} onChange={setDraft} />
        </Col>
        <Col span={10}>
          <Card size="small" title="实时人数">
            <Statistic
              title="符合条件的会员"
              value={preview?.count ?? 0}
              loading={loading && !preview}
              suffix="人"
              valueStyle={{ color: '#c2410c' }}
            />
            <div data-testid="segment-count" data-count={preview?.count ?? ''} style={{ display: 'none' }} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              {preview?.ruleText ?? ''}
            </Typography.Paragraph>
            <RuleCost rule={rule} />
            {error && <Alert type="error" showIcon message={error} />}
            <Form form={form} layout="inline" onFinish={save} style={{ marginTop: 12 }}>
              <Form.Item name="name" rules={[{ required: true, message: '请输入人群名称' }]}>
                <Input placeholder="人群名称" />
              </Form.Item>
              <Button type="primary" htmlType="submit" disabled={Boolean(error)}>
                {editing ? '保存修改' : '保存人群'}
              </Button>
            </Form>
          </Card>
        </Col>
      </Row>
      <Card size="small" title="样本会员">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={preview?.sample ?? []}
          columns={[
            { title: 'ID', dataIndex: 'id', render: (id: number) => <Link to={`/members/${id}`}>{id}</Link> },
            { title: '昵称', dataIndex: 'nickname' },
            { title: '等级', dataIndex: 'tier', render: tierLabel },
            { title: '生命周期', dataIndex: 'lifecycle', render: lifecycleLabel },
            { title: 'RFM', dataIndex: 'rfmSegment', render: rfmLabel },
            { title: '最近下单', dataIndex: 'lastOrderAt', render: formatDate },
          ]}
        />
      </Card>
      <Card size="small" title="已保存人群">
        <Table<SegmentView>
          size="small"
          rowKey="id"
          loading={segments.loading}
          dataSource={segments.data?.items ?? []}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: '名称', dataIndex: 'name' },
            {
              title: '类型',
              dataIndex: 'kind',
              render: (k: string) => (k === 'builtin' ? <Tag>内置</Tag> : <Tag color="orange">自定义</Tag>),
            },
            { title: '规则', dataIndex: 'ruleText' },
            { title: '人数', dataIndex: 'memberCount', render: (n: number | null) => n ?? '—' },
            { title: '更新于', dataIndex: 'refreshedAt', render: formatTime },
            {
              title: '',
              render: (_: unknown, segment: SegmentView) =>
                segment.kind === 'custom' && (
                  <Space size={0}>
                    <Button size="small" type="link" disabled={editing?.id === segment.id} onClick={() => startEditing(segment)}>
                      编辑
                    </Button>
                    <Popconfirm title="归档该人群？" onConfirm={() => archive(segment)}>
                      <Button size="small" type="link" danger>
                        归档
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
