import {
  CAMPAIGN_KIND_CODES,
  CAMPAIGN_KIND_LABELS,
  CAMPAIGN_TRIGGER_KINDS,
  CAMPAIGN_TRIGGER_LABELS,
  LIFECYCLE_LABELS,
  LIFECYCLE_STAGES,
  type CampaignAction,
  type CampaignInput,
  type CampaignView,
  type SegmentListResponse,
} from '@member-ops/shared';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, errorText } from '../../api';
import { useLoad } from '../../useLoad';
import { StepsEditor } from './StepsEditor';

type StepForm = { waitDays?: number; condition?: string; action: Record<string, unknown> & { dataText?: string } };
type EditorValues = Omit<CampaignInput, 'steps'> & { steps: StepForm[]; holdoutPercent: number };

/** Subscribe-message data is edited as `field=text` lines. */
const dataToText = (data: Record<string, string>) =>
  Object.entries(data)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
const textToData = (text: string | undefined) =>
  Object.fromEntries(
    (text ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );

function toForm(view: CampaignView, variant: boolean): EditorValues {
  return {
    name: variant ? `${view.name}（变体）` : view.name,
    kind: view.kind,
    description: view.description ?? undefined,
    segmentId: view.segmentId,
    rule: (view.rule as CampaignInput['rule']) ?? null,
    trigger: view.trigger,
    cron: view.cron,
    holdoutRatioBp: view.holdoutRatioBp,
    holdoutPercent: view.holdoutRatioBp / 100,
    attributionDays: view.attributionDays,
    budgetFen: view.budgetFen,
    excludeContactedDays: view.excludeContactedDays,
    steps: view.steps.map((s) => ({
      waitDays: s.waitDays,
      condition: s.condition,
      action: s.action.type === 'subscribe_message' ? { ...s.action, dataText: dataToText(s.action.data) } : { ...s.action },
    })),
  };
}

function toInput(values: EditorValues): CampaignInput {
  const { holdoutPercent, steps, ...rest } = values;
  return {
    ...rest,
    holdoutRatioBp: Math.round(holdoutPercent * 100),
    trigger: values.kind === 'triggered' ? values.trigger : null,
    cron: values.kind === 'recurring' || values.kind === 'journey' ? values.cron : null,
    steps: steps.map((step) => {
      const { dataText, ...action } = step.action;
      const full = action.type === 'subscribe_message' ? { ...action, data: textToData(dataText) } : action;
      return {
        waitDays: values.kind === 'journey' ? (step.waitDays ?? 0) : 0,
        condition:
          values.kind === 'journey' ? ((step.condition ?? 'always') as CampaignInput['steps'][number]['condition']) : 'always',
        action: full as CampaignAction,
      };
    }),
  };
}

export function CampaignEditor() {
  const { id } = useParams();
  const [search] = useSearchParams();
  const from = search.get('from');
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditorValues>();
  const [error, setError] = useState<string | null>(null);
  const segments = useLoad(() => api<SegmentListResponse>('GET', '/admin/segments'), 'segments');
  const sourceId = id ?? from;
  useEffect(() => {
    if (!sourceId) return;
    api<CampaignView>('GET', `/admin/campaigns/${sourceId}`).then(
      (view) => form.setFieldsValue(toForm(view, !id)),
      (err: unknown) => setError(errorText(err)),
    );
  }, [sourceId, id, form]);
  const kind = Form.useWatch('kind', form);
  const triggerKind = Form.useWatch(['trigger', 'kind'], form);

  const save = async () => {
    // getFieldsValue(true) keeps settings without an input here (e.g. an inline rule copied from the original).
    const values = form.getFieldsValue(true) as EditorValues;
    setError(null);
    try {
      const saved = id
        ? await api<CampaignView>('PUT', `/admin/campaigns/${id}`, toInput(values))
        : await api<CampaignView>('POST', '/admin/campaigns', toInput(values));
      void message.success('活动已保存');
      navigate(`/campaigns/${saved.id}`);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Card title={id ? '编辑活动' : from ? '复制为新变体' : '新建活动'}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<EditorValues>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={{
          kind: 'broadcast',
          holdoutPercent: 10,
          attributionDays: 7,
          excludeContactedDays: 0,
          steps: [{ waitDays: 0, condition: 'always', action: { type: 'coupon' } }],
        }}
      >
        <Space wrap align="start">
          <Form.Item name="name" label="活动名称" rules={[{ required: true, message: '请输入名称' }]}>
            <Input style={{ width: 280 }} maxLength={60} />
          </Form.Item>
          <Form.Item name="kind" label="类型">
            <Select
              style={{ width: 160 }}
              options={CAMPAIGN_KIND_CODES.map((k) => ({ value: k, label: CAMPAIGN_KIND_LABELS[k] }))}
            />
          </Form.Item>
          <Form.Item name="segmentId" label="目标人群（不选为全部会员）">
            <Select
              allowClear
              style={{ width: 240 }}
              options={(segments.data?.items ?? []).map((s) => ({
                value: s.id,
                label: `${s.name}（${s.memberCount ?? '—'}人）`,
              }))}
            />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="holdoutPercent" label="对照组比例 %">
            <InputNumber min={0} max={50} />
          </Form.Item>
          <Form.Item name="attributionDays" label="归因天数">
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.Item name="excludeContactedDays" label="排除近 N 天已触达">
            <InputNumber min={0} max={365} />
          </Form.Item>
          <Form.Item name="budgetFen" label="券预算（分）">
            <InputNumber min={0} style={{ width: 160 }} />
          </Form.Item>
          {(kind === 'recurring' || kind === 'journey') && (
            <Form.Item name="cron" label="执行时间（cron，上海时间）" rules={[{ required: true }]}>
              <Input placeholder="0 10 * * *" style={{ width: 160 }} />
            </Form.Item>
          )}
          {kind === 'triggered' && (
            <>
              <Form.Item name={['trigger', 'kind']} label="触发条件" rules={[{ required: true }]}>
                <Select
                  style={{ width: 200 }}
                  options={CAMPAIGN_TRIGGER_KINDS.map((k) => ({ value: k, label: CAMPAIGN_TRIGGER_LABELS[k] }))}
                />
              </Form.Item>
              {triggerKind === 'points_expiring' && (
                <Form.Item name={['trigger', 'days']} label="到期前天数">
                  <InputNumber min={1} max={90} />
                </Form.Item>
              )}
              {triggerKind === 'cart_abandoned' && (
                <Form.Item name={['trigger', 'hours']} label="加购后小时数">
                  <InputNumber min={1} max={720} />
                </Form.Item>
              )}
              {triggerKind === 'entered_lifecycle' && (
                <Form.Item name={['trigger', 'stage']} label="进入阶段">
                  <Select
                    style={{ width: 120 }}
                    options={LIFECYCLE_STAGES.map((s) => ({ value: s, label: LIFECYCLE_LABELS[s] }))}
                  />
                </Form.Item>
              )}
              {triggerKind === 'entered_segment' && (
                <Form.Item name={['trigger', 'segmentId']} label="进入人群">
                  <Select
                    style={{ width: 200 }}
                    options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
                  />
                </Form.Item>
              )}
              {triggerKind === 'p_alive_below' && (
                <Form.Item name={['trigger', 'below']} label="活跃概率低于">
                  <InputNumber min={0.01} max={0.99} step={0.05} />
                </Form.Item>
              )}
            </>
          )}
        </Space>
        <Form.Item name="description" label="说明">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <StepsEditor journey={kind === 'journey'} />
        <Button type="primary" htmlType="submit" style={{ marginTop: 16 }}>
          保存活动
        </Button>
      </Form>
    </Card>
  );
}
