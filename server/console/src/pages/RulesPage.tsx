import {
  TIER_CODES,
  TIER_LABELS,
  type EditableRuleKind,
  type RuleConfigResponse,
  type RulePreviewResponse,
  type TierCode,
} from '@member-ops/shared';
import { Alert, App, Button, Card, Descriptions, Input, InputNumber, Space, Table, Tabs, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { formatTime } from '../format';
import { useLoad } from '../useLoad';
import { CouponsPage } from './CouponsPage';

type TierRules = { windowDays: number; keepMonths: number; tiers: Record<TierCode, { entryFen: number; keepFen: number }> };

function TierEditor({ value, onChange }: { value: TierRules; onChange: (next: TierRules) => void }) {
  const setTier = (tier: TierCode, field: 'entryFen' | 'keepFen', yuan: number | null) =>
    onChange({ ...value, tiers: { ...value.tiers, [tier]: { ...value.tiers[tier], [field]: Math.round((yuan ?? 0) * 100) } } });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        成长值窗口
        <InputNumber
          min={1}
          max={3660}
          value={value.windowDays}
          onChange={(v) => onChange({ ...value, windowDays: v ?? 365 })}
          suffix="天"
        />
        保级周期
        <InputNumber
          min={1}
          max={120}
          value={value.keepMonths}
          onChange={(v) => onChange({ ...value, keepMonths: v ?? 12 })}
          suffix="月"
        />
      </Space>
      <Table
        size="small"
        rowKey="tier"
        pagination={false}
        dataSource={TIER_CODES.map((tier) => ({ tier, ...value.tiers[tier] }))}
        columns={[
          { title: '等级', dataIndex: 'tier', render: (t: TierCode) => TIER_LABELS[t] },
          {
            title: '升级门槛（元）',
            render: (_: unknown, row: { tier: TierCode; entryFen: number; keepFen: number }) => (
              <InputNumber
                aria-label={`${TIER_LABELS[row.tier]}升级门槛`}
                min={0}
                value={row.entryFen / 100}
                onChange={(v) => setTier(row.tier, 'entryFen', v)}
              />
            ),
          },
          {
            title: '保级门槛（元）',
            render: (_: unknown, row: { tier: TierCode; entryFen: number; keepFen: number }) => (
              <InputNumber
                aria-label={`${TIER_LABELS[row.tier]}保级门槛`}
                min={0}
                value={row.keepFen / 100}
                onChange={(v) => setTier(row.tier, 'keepFen', v)}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}

function ImpactCard({ preview }: { preview: RulePreviewResponse }) {
  return (
    <Card size="small" title="修改影响预览">
      {preview.changes.length === 0 && <Alert type="info" message="与当前版本相同" />}
      {preview.changes.map((c) => (
        <Tag key={c.path} color="orange" style={{ marginBottom: 4 }}>
          {c.path}: {JSON.stringify(c.from)} → {JSON.stringify(c.to)}
        </Tag>
      ))}
      {preview.tier && (
        <Descriptions size="small" column={2} style={{ marginTop: 8 }}>
          <Descriptions.Item label="按成长值可升级（当前规则）">{preview.tier.current.upgrades} 人</Descriptions.Item>
          <Descriptions.Item label="按成长值可升级（新规则）">{preview.tier.proposed.upgrades} 人</Descriptions.Item>
          <Descriptions.Item label="低于保级线（当前规则）">{preview.tier.current.belowKeep} 人</Descriptions.Item>
          <Descriptions.Item label="低于保级线（新规则）">{preview.tier.proposed.belowKeep} 人</Descriptions.Item>
          <Descriptions.Item label="升级去向" span={2}>
            {preview.tier.moves.map((m) => `${TIER_LABELS[m.from]}→${TIER_LABELS[m.to]} ${m.members}人`).join('，') || '无'}
          </Descriptions.Item>
        </Descriptions>
      )}
      {preview.points && (
        <Descriptions size="small" column={3} style={{ marginTop: 8 }}>
          <Descriptions.Item label={`近${preview.points.windowDays}天订单`}>{preview.points.orders}</Descriptions.Item>
          <Descriptions.Item label="当前规则发放积分">{preview.points.currentPoints}</Descriptions.Item>
          <Descriptions.Item label="新规则发放积分">{preview.points.proposedPoints}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

function RuleKindPanel({ kind }: { kind: EditableRuleKind }) {
  const { message } = App.useApp();
  const rules = useLoad(() => api<RuleConfigResponse>('GET', `/admin/rules/${kind}`), kind);
  const [draft, setDraft] = useState<Record<string, unknown> | null>(null);
  const [json, setJson] = useState('');
  const [note, setNote] = useState('');
  const [preview, setPreview] = useState<RulePreviewResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!rules.data) return;
    setDraft(rules.data.config);
    setJson(JSON.stringify(rules.data.config, null, 2));
  }, [rules.data]);
  const config = (): unknown => {
    if (kind === 'tier') return draft;
    return JSON.parse(json) as unknown;
  };
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err instanceof SyntaxError ? `JSON 格式错误：${err.message}` : errorText(err));
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {rules.error && <Alert type="error" showIcon message={rules.error} />}
      <Card size="small" title={`当前版本：${rules.data?.version ?? '系统默认'}`}>
        {kind === 'tier' && draft && (
          <TierEditor
            value={draft as unknown as TierRules}
            onChange={(next) => setDraft(next as unknown as Record<string, unknown>)}
          />
        )}
        {kind === 'points' && (
          <Input.TextArea rows={16} value={json} onChange={(e) => setJson(e.target.value)} style={{ fontFamily: 'monospace' }} />
        )}
        <Space style={{ marginTop: 12 }}>
          <Button
            onClick={() =>
              act(async () =>
                setPreview(await api<RulePreviewResponse>('POST', `/admin/rules/${kind}/preview`, { config: config() })),
              )
            }
          >
            预览影响
          </Button>
          <Input placeholder="修改说明" value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 240 }} />
          <Button
            type="primary"
            onClick={() =>
              act(async () => {
                await api('POST', `/admin/rules/${kind}`, { config: config(), ...(note ? { note } : {}) });
                void message.success('已保存为新版本，下次重算起生效');
                setPreview(null);
                rules.reload();
              })
            }
          >
            保存为新版本
          </Button>
        </Space>
        {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      </Card>
      {preview && (
        <div data-testid="rule-preview">
          <ImpactCard preview={preview} />
        </div>
      )}
      <Card size="small" title="历史版本">
        <Table
          size="small"
          rowKey="version"
          pagination={false}
          dataSource={rules.data?.versions ?? []}
          columns={[
            { title: '版本', dataIndex: 'version' },
            { title: '生效时间', dataIndex: 'effectiveFrom', render: formatTime },
            { title: '说明', dataIndex: 'note', render: (n: string | null) => n ?? '—' },
            { title: '修改人', dataIndex: 'createdBy', render: (n: string | null) => n ?? '系统' },
          ]}
        />
      </Card>
    </Space>
  );
}

export function RulesPage() {
  return (
    <Tabs
      items={[
        { key: 'tier', label: '等级规则', children: <RuleKindPanel kind="tier" /> },
        { key: 'points', label: '积分规则', children: <RuleKindPanel kind="points" /> },
        { key: 'coupons', label: '券模板', children: <CouponsPage /> },
      ]}
    />
  );
}
