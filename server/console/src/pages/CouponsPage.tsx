import {
  COUPON_TEMPLATE_STATUS_CODES,
  type CouponTemplateAdminView,
  type CouponTemplateListResponse,
  type UpdateCouponTemplateRequest,
} from '@member-ops/shared';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api';
import { NewCouponTemplateModal } from '../components/NewCouponTemplateModal';
import { formatTime } from '../format';
import { useLoad } from '../useLoad';

const STATUS_LABELS: Record<CouponTemplateAdminView['status'], string> = {
  draft: '草稿',
  active: '生效中',
  paused: '已暂停',
  ended: '已结束',
};
const STATUS_COLORS: Record<CouponTemplateAdminView['status'], string> = {
  draft: 'default',
  active: 'green',
  paused: 'orange',
  ended: 'purple',
};

export function CouponsPage() {
  const { message } = App.useApp();
  const list = useLoad(() => api<CouponTemplateListResponse>('GET', '/admin/coupon-templates'), 'coupon-templates');
  const [editing, setEditing] = useState<CouponTemplateAdminView | null>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<UpdateCouponTemplateRequest>();
  const save = async (values: UpdateCouponTemplateRequest) => {
    if (!editing) return;
    try {
      await api('PATCH', `/admin/coupon-templates/${editing.id}`, values);
      void message.success('已保存，改动已记入审计日志');
      setEditing(null);
      list.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <>
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Typography.Text type="secondary">
          优惠力度（门槛、面额、折扣）在券模板创建后不可修改；如需新的力度请新建模板。
        </Typography.Text>
        <Button type="primary" onClick={() => setCreating(true)}>
          新建优惠券
        </Button>
      </Space>
      <Table<CouponTemplateAdminView>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        onRow={(row) => ({
          onClick: () => {
            setEditing(row);
            form.setFieldsValue(row);
          },
          style: { cursor: 'pointer' },
        })}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: '名称', dataIndex: 'name' },
          { title: '力度', dataIndex: 'terms' },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: CouponTemplateAdminView['status']) => <Tag color={STATUS_COLORS[s]}>{STATUS_LABELS[s]}</Tag>,
          },
          { title: '库存', render: (_: unknown, t: CouponTemplateAdminView) => `${t.issuedCount} / ${t.totalStock ?? '不限'}` },
          { title: '已核销', dataIndex: 'usedCount' },
          { title: '每人限领', dataIndex: 'perMemberLimit', render: (n: number | null) => n ?? '不限' },
          { title: '领券中心', dataIndex: 'claimable', render: (c: boolean) => (c ? '是' : '否') },
          { title: '积分兑换价', dataIndex: 'pointsPrice', render: (p: number | null) => p ?? '—' },
          { title: '有效期', dataIndex: 'validity' },
          { title: '更新于', dataIndex: 'updatedAt', render: formatTime },
        ]}
      />
      <NewCouponTemplateModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          list.reload();
        }}
      />
      <Modal
        title={`编辑券模板：${editing?.name ?? ''}`}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText="保存"
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={save}>
          <Form.Item name="name" label="名称" rules={[{ required: true }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select options={COUPON_TEMPLATE_STATUS_CODES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} />
          </Form.Item>
          <Form.Item name="totalStock" label="总库存（留空为不限）">
            <InputNumber min={0} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="perMemberLimit" label="每人限领（留空为不限）">
            <InputNumber min={1} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="pointsPrice" label="积分兑换价（留空为不可兑换）">
            <InputNumber min={1} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="claimable" label="在领券中心展示" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
