import { STEP_CONDITIONS, type CampaignActionType, type StepCondition } from '@member-ops/shared';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, InputNumber, Select, Space } from 'antd';

export const ACTION_LABELS: Record<CampaignActionType, string> = {
  subscribe_message: '订阅消息',
  coupon: '发优惠券',
  points: '送积分',
  tag: '打标签',
  followup_task: '生成顾问跟进',
};
export const CONDITION_LABELS: Record<StepCondition, string> = {
  always: '直接执行',
  not_bought: '期间未购买',
  opened: '已打开上一条消息',
  not_opened: '未打开上一条消息',
};

/** The fields of one step's action, by action type (subscribe-message data is edited as field=text lines). */
function ActionFields({ name, type }: { name: number; type: CampaignActionType | undefined }) {
  switch (type) {
    case 'subscribe_message':
      return (
        <>
          <Form.Item name={[name, 'action', 'templateId']} label="模板ID" rules={[{ required: true }]}>
            <Input style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name={[name, 'action', 'dataText']} label="字段内容" tooltip="每行 字段=内容，可用 {{coupon.name}} 等变量">
            <Input.TextArea
              rows={3}
              style={{ width: 320 }}
              placeholder={'thing1={{coupon.name}}已到账\ndate2={{coupon.validTo}}'}
            />
          </Form.Item>
          <Form.Item name={[name, 'action', 'page']} label="跳转页面">
            <Input style={{ width: 220 }} placeholder="pages/coupons/index" />
          </Form.Item>
        </>
      );
    case 'coupon':
      return (
        <Form.Item name={[name, 'action', 'couponTemplateId']} label="券模板ID" rules={[{ required: true }]}>
          <InputNumber min={1} />
        </Form.Item>
      );
    case 'points':
      return (
        <Form.Item name={[name, 'action', 'points']} label="积分" rules={[{ required: true }]}>
          <InputNumber min={1} max={100000} />
        </Form.Item>
      );
    case 'tag':
      return (
        <Form.Item name={[name, 'action', 'tag']} label="标签" rules={[{ required: true }]}>
          <Input maxLength={20} />
        </Form.Item>
      );
    case 'followup_task':
      return (
        <>
          <Form.Item name={[name, 'action', 'title']} label="跟进事项" rules={[{ required: true }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name={[name, 'action', 'dueInDays']} label="几天内">
            <InputNumber min={0} max={30} />
          </Form.Item>
        </>
      );
    default:
      return null;
  }
}

export function StepsEditor({ journey }: { journey: boolean }) {
  return (
    <Form.List name="steps">
      {(fields, { add, remove }) => (
        <Space direction="vertical" style={{ width: '100%' }}>
          {fields.map(({ key, name }) => (
            <Card
              key={key}
              size="small"
              title={`第 ${name + 1} 步`}
              extra={<Button size="small" icon={<DeleteOutlined />} onClick={() => remove(name)} />}
            >
              <Space wrap align="start">
                {journey && (
                  <>
                    <Form.Item name={[name, 'waitDays']} label="等待天数">
                      <InputNumber min={0} max={180} />
                    </Form.Item>
                    <Form.Item name={[name, 'condition']} label="条件">
                      <Select
                        style={{ width: 160 }}
                        options={STEP_CONDITIONS.map((c) => ({ value: c, label: CONDITION_LABELS[c] }))}
                      />
                    </Form.Item>
                  </>
                )}
                <Form.Item name={[name, 'action', 'type']} label="动作" rules={[{ required: true }]}>
                  <Select
                    style={{ width: 140 }}
                    options={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))}
                  />
                </Form.Item>
                <Form.Item noStyle shouldUpdate>
                  {({ getFieldValue }) => (
                    <ActionFields
                      name={name}
                      type={getFieldValue(['steps', name, 'action', 'type']) as CampaignActionType | undefined}
                    />
                  )}
                </Form.Item>
              </Space>
            </Card>
          ))}
          <Button icon={<PlusOutlined />} onClick={() => add({ waitDays: 0, condition: 'always', action: { type: 'coupon' } })}>
            添加步骤
          </Button>
        </Space>
      )}
    </Form.List>
  );
}
