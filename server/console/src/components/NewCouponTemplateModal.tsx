import { COUPON_KINDS, type CouponKind, type CouponTemplateResponse, type CreateCouponTemplateInput } from '@member-ops/shared';
import { App, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { ApiError, api, errorText } from '../api';
import { fenFromYuan } from '../format';

export const COUPON_KIND_LABELS: Record<CouponKind, string> = {
  amount_off: '满减券',
  percent_off: '折扣券',
  no_threshold: '无门槛券',
  free_shipping: '免运费券',
};

interface NewTemplateForm {
  name: string;
  description?: string;
  type: CouponKind;
  thresholdYuan?: number | null;
  amountOffYuan?: number | null;
  zhe?: number | null;
  capYuan?: number | null;
  validityKind: 'days_after_issue' | 'fixed';
  validDays?: number | null;
  validRange?: [Dayjs, Dayjs] | null;
  totalStock?: number | null;
  perMemberLimit?: number | null;
  pointsPrice?: number | null;
  claimable: boolean;
  status: 'draft' | 'active';
}

const INITIAL: Partial<NewTemplateForm> = {
  type: 'amount_off',
  validityKind: 'days_after_issue',
  validDays: 30,
  claimable: false,
  status: 'draft',
};

/** Which form field shows the server's complaint about each request field. */
const FORM_FIELD: Partial<Record<keyof CreateCouponTemplateInput, keyof NewTemplateForm>> = {
  name: 'name',
  description: 'description',
  type: 'type',
  thresholdFen: 'thresholdYuan',
  amountOffFen: 'amountOffYuan',
  percentOffBp: 'zhe',
  capFen: 'capYuan',
  validityKind: 'validityKind',
  validFrom: 'validRange',
  validTo: 'validRange',
  validDays: 'validDays',
  totalStock: 'totalStock',
  perMemberLimit: 'perMemberLimit',
  pointsPrice: 'pointsPrice',
  claimable: 'claimable',
  status: 'status',
};

/** 8.5 (折, tenths of the price paid) → 1500 basis points off. */
const zheToBp = (zhe: number): number => Math.round((10 - zhe) * 1000);

function toRequest(values: NewTemplateForm): CreateCouponTemplateInput {
  const amount = values.type === 'amount_off' || values.type === 'no_threshold';
  const fixed = values.validityKind === 'fixed';
  return {
    name: values.name,
    ...(values.description ? { description: values.description } : {}),
    type: values.type,
    thresholdFen: values.type === 'no_threshold' ? 0 : (fenFromYuan(values.thresholdYuan) ?? 0),
    amountOffFen: amount ? fenFromYuan(values.amountOffYuan) : null,
    percentOffBp: values.type === 'percent_off' && typeof values.zhe === 'number' ? zheToBp(values.zhe) : null,
    capFen: values.type === 'percent_off' ? fenFromYuan(values.capYuan) : null,
    validityKind: values.validityKind,
    validFrom: fixed && values.validRange ? values.validRange[0].startOf('day').toISOString() : null,
    validTo: fixed && values.validRange ? values.validRange[1].endOf('day').toISOString() : null,
    validDays: fixed ? null : (values.validDays ?? null),
    totalStock: values.totalStock ?? null,
    perMemberLimit: values.perMemberLimit ?? null,
    pointsPrice: values.pointsPrice ?? null,
    claimable: values.claimable,
    status: values.status,
  };
}

/** The 新建优惠券 dialog: terms in yuan and 折 as people write them, sent as fen and basis points. */
export function NewCouponTemplateModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<NewTemplateForm>();
  const type = Form.useWatch('type', form) ?? 'amount_off';
  const validityKind = Form.useWatch('validityKind', form) ?? 'days_after_issue';

  const submit = async (values: NewTemplateForm) => {
    try {
      const result = await api<CouponTemplateResponse>('POST', '/admin/coupon-templates', toRequest(values));
      void message.success(`已新建券模板「${result.template.name}」（${result.template.terms}）`);
      form.resetFields();
      onCreated();
    } catch (err) {
      if (err instanceof ApiError && err.fields.length > 0) {
        const errors = new Map<keyof NewTemplateForm, string[]>();
        for (const { field, message: text } of err.fields) {
          const name = FORM_FIELD[field.replace(/^body\./, '') as keyof CreateCouponTemplateInput];
          if (name) errors.set(name, [...(errors.get(name) ?? []), text]);
        }
        form.setFields([...errors].map(([name, list]) => ({ name, errors: list })));
      }
      void message.error(errorText(err));
    }
  };

  return (
    <Modal title="新建优惠券" open={open} onCancel={onClose} onOk={() => form.submit()} okText="创建" width={720} destroyOnHidden>
      <Form<NewTemplateForm> form={form} layout="vertical" initialValues={INITIAL} onFinish={submit} preserve={false}>
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: '请输入券名称' }]}>
          <Input maxLength={60} placeholder="如：春季满200减30" />
        </Form.Item>
        <Form.Item name="type" label="券类型">
          <Radio.Group
            optionType="button"
            options={COUPON_KINDS.map((kind) => ({ value: kind, label: COUPON_KIND_LABELS[kind] }))}
          />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          {type !== 'no_threshold' && (
            <Form.Item name="thresholdYuan" label="使用门槛（元，0 或留空为无门槛）">
              <InputNumber min={0} precision={2} style={{ width: 200 }} />
            </Form.Item>
          )}
          {(type === 'amount_off' || type === 'no_threshold') && (
            <Form.Item name="amountOffYuan" label="减免金额（元）" rules={[{ required: true, message: '请输入减免金额' }]}>
              <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
            </Form.Item>
          )}
          {type === 'percent_off' && (
            <Form.Item name="zhe" label="折扣（折）" rules={[{ required: true, message: '请输入折扣，如 8.5' }]}>
              <InputNumber min={0.1} max={9.9} step={0.5} precision={2} style={{ width: 200 }} />
            </Form.Item>
          )}
          {type === 'percent_off' && (
            <Form.Item name="capYuan" label="最高减（元，留空为不封顶）">
              <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
            </Form.Item>
          )}
        </div>
        <Form.Item name="validityKind" label="有效期">
          <Radio.Group
            options={[
              { value: 'days_after_issue', label: '领取后 N 天内有效' },
              { value: 'fixed', label: '固定日期' },
            ]}
          />
        </Form.Item>
        {validityKind === 'fixed' ? (
          <Form.Item name="validRange" label="有效日期" rules={[{ required: true, message: '请选择有效日期' }]}>
            <DatePicker.RangePicker />
          </Form.Item>
        ) : (
          <Form.Item name="validDays" label="有效天数" rules={[{ required: true, message: '请输入有效天数' }]}>
            <InputNumber min={1} max={3660} precision={0} suffix="天" style={{ width: 200 }} />
          </Form.Item>
        )}
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item name="totalStock" label="总库存（留空为不限）">
            <InputNumber min={0} precision={0} style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="perMemberLimit" label="每人限领（留空为不限）">
            <InputNumber min={1} precision={0} style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="pointsPrice" label="积分兑换价（留空为不可兑换）">
            <InputNumber min={1} precision={0} style={{ width: 170 }} />
          </Form.Item>
        </div>
        <Form.Item name="description" label="说明">
          <Input.TextArea maxLength={200} rows={2} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 32 }}>
          <Form.Item name="status" label="状态">
            <Select
              style={{ width: 140 }}
              options={[
                { value: 'draft', label: '草稿' },
                { value: 'active', label: '生效中' },
              ]}
            />
          </Form.Item>
          <Form.Item name="claimable" label="在领券中心展示" valuePropName="checked">
            <Switch />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  );
}
