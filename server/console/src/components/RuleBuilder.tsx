import { getSegmentRuleCatalogue, type SegmentFieldOption, type SegmentOperator } from '@member-ops/shared';
import { Button, Card, DatePicker, InputNumber, Radio, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { NO_VALUE, type ConditionDraft, type RuleDraft } from '../rule-draft';

const catalogue = getSegmentRuleCatalogue();
const fieldByName = new Map(catalogue.fields.map((f) => [f.field as string, f]));

function defaultValue(field: SegmentFieldOption, op: SegmentOperator): unknown {
  if (NO_VALUE.includes(op)) return undefined;
  if (op === 'in' || op === 'notIn' || op === 'containsAny' || op === 'containsAll') return [];
  if (op === 'between') return [0, 10];
  if (op === 'is') return true;
  if (field.kind === 'enum') return field.options?.[0]?.value;
  return undefined;
}

function ValueInput({ condition, onChange }: { condition: ConditionDraft; onChange: (value: unknown) => void }) {
  const field = condition.type === 'field' ? fieldByName.get(condition.field) : undefined;
  const op = condition.op;
  if (NO_VALUE.includes(op)) return null;
  if (op === 'is') {
    return (
      <Select
        style={{ width: 90 }}
        value={condition.value}
        onChange={onChange}
        options={[
          { value: true, label: '是' },
          { value: false, label: '否' },
        ]}
      />
    );
  }
  if (field?.options && (op === 'in' || op === 'notIn' || op === 'eq' || op === 'neq')) {
    const multiple = op === 'in' || op === 'notIn';
    return (
      <Select
        aria-label="条件值"
        mode={multiple ? 'multiple' : undefined}
        style={{ minWidth: 200 }}
        value={condition.value}
        onChange={onChange}
        options={field.options}
      />
    );
  }
  if (op === 'containsAny' || op === 'containsAll' || ((op === 'in' || op === 'notIn') && field?.kind === 'text')) {
    return (
      <Select aria-label="条件值" mode="tags" style={{ minWidth: 200 }} value={condition.value as string[]} onChange={onChange} />
    );
  }
  if (op === 'before' || op === 'after') {
    return (
      <DatePicker
        value={typeof condition.value === 'string' ? dayjs(condition.value) : null}
        onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
      />
    );
  }
  const suffix = field?.unit === 'fen' ? '元' : op === 'withinLastDays' || op === 'withinNextDays' ? '天' : undefined;
  if (op === 'between') {
    const [low, high] = (condition.value as [number, number] | undefined) ?? [0, 0];
    return (
      <Space>
        <InputNumber value={low} onChange={(v) => onChange([v ?? 0, high])} suffix={suffix} />
        至
        <InputNumber value={high} onChange={(v) => onChange([low, v ?? 0])} suffix={suffix} />
      </Space>
    );
  }
  return (
    <InputNumber
      aria-label="条件值"
      value={condition.value as number | undefined}
      onChange={(v) => onChange(v ?? undefined)}
      suffix={suffix}
    />
  );
}

export function RuleBuilder({ draft, onChange }: { draft: RuleDraft; onChange: (draft: RuleDraft) => void }) {
  const update = (index: number, change: Partial<ConditionDraft>) =>
    onChange({
      ...draft,
      conditions: draft.conditions.map((c, i) => (i === index ? ({ ...c, ...change } as ConditionDraft) : c)),
    });
  const firstField = catalogue.fields.find((f) => f.field === 'tier') ?? catalogue.fields[0];
  return (
    <Card size="small" title="圈选条件">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group
          value={draft.combine}
          onChange={(e) => onChange({ ...draft, combine: e.target.value as 'all' | 'any' })}
          options={[
            { value: 'all', label: '满足全部条件' },
            { value: 'any', label: '满足任一条件' },
          ]}
        />
        {draft.conditions.map((condition, index) => (
          <Space key={index} wrap data-testid="rule-condition">
            {condition.type === 'field' ? (
              <Select
                aria-label="字段"
                showSearch
                optionFilterProp="label"
                style={{ width: 180 }}
                value={condition.field}
                options={catalogue.fields.map((f) => ({ value: f.field, label: f.label }))}
                onChange={(name: string) => {
                  const field = fieldByName.get(name);
                  const op = field?.operators[0]?.op ?? 'eq';
                  if (field) update(index, { field: name, op, value: defaultValue(field, op) });
                }}
              />
            ) : (
              <Space>
                <span>最近</span>
                <InputNumber
                  min={1}
                  max={3660}
                  value={condition.lastDays}
                  onChange={(v) => update(index, { lastDays: v ?? 30 })}
                />
                <span>天</span>
                <Select
                  style={{ width: 120 }}
                  value={condition.event}
                  options={catalogue.eventTypes.map((e) => ({ value: e.type, label: e.label }))}
                  onChange={(event: string) => update(index, { event })}
                />
                <span>次数</span>
              </Space>
            )}
            <Select
              aria-label="运算"
              style={{ width: 130 }}
              value={condition.op}
              options={(condition.type === 'field'
                ? (fieldByName.get(condition.field)?.operators ?? [])
                : catalogue.eventOperators
              ).map((o) => ({
                value: o.op,
                label: o.label,
              }))}
              onChange={(op: SegmentOperator) => {
                const field = condition.type === 'field' ? fieldByName.get(condition.field) : undefined;
                update(index, { op, value: field ? defaultValue(field, op) : op === 'between' ? [1, 5] : 1 });
              }}
            />
            <ValueInput condition={condition} onChange={(value) => update(index, { value })} />
            <Button
              icon={<DeleteOutlined />}
              onClick={() => onChange({ ...draft, conditions: draft.conditions.filter((_, i) => i !== index) })}
            />
          </Space>
        ))}
        <Space>
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              firstField &&
              onChange({
                ...draft,
                conditions: [
                  ...draft.conditions,
                  {
                    type: 'field',
                    field: firstField.field,
                    op: firstField.operators[0]?.op ?? 'eq',
                    value: defaultValue(firstField, firstField.operators[0]?.op ?? 'eq'),
                  },
                ],
              })
            }
          >
            添加属性条件
          </Button>
          <Button
            icon={<PlusOutlined />}
            onClick={() =>
              onChange({
                ...draft,
                conditions: [...draft.conditions, { type: 'event', event: 'product_view', lastDays: 30, op: 'gte', value: 1 }],
              })
            }
          >
            添加行为条件
          </Button>
        </Space>
      </Space>
    </Card>
  );
}
