import { FOLLOWUP_STATUSES, FOLLOWUP_STATUS_LABELS, type FollowupResponse, type FollowupStatus } from '@member-ops/shared';
import { App, Button, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorText } from '../api';

/** Plans a follow-up with one member. */
export function FollowupButton({ memberId, onDone }: { memberId: number; onDone?: () => void }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ dueAt: Dayjs; title?: string; note?: string }>();
  const submit = async (values: { dueAt: Dayjs; title?: string; note?: string }) => {
    try {
      await api<FollowupResponse>('POST', '/staff/followups', {
        memberId,
        dueAt: values.dueAt.toISOString(),
        ...(values.title ? { title: values.title } : {}),
        ...(values.note ? { note: values.note } : {}),
      });
      void message.success('已创建跟进任务');
      setOpen(false);
      form.resetFields();
      onDone?.();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)}>
        新建跟进
      </Button>
      <Modal
        title="新建跟进任务"
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText="创建"
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ dueAt: dayjs().add(1, 'day').hour(10).minute(0) }}>
          <Form.Item name="dueAt" label="跟进时间" rules={[{ required: true, message: '请选择时间' }]}>
            <DatePicker showTime format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="title" label="事项">
            <Input placeholder="如：回访新品试用感受" maxLength={200} />
          </Form.Item>
          <Form.Item name="note" label="备注">
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Records the outcome of a follow-up. */
export function OutcomeButton({ followupId, onDone }: { followupId: number; onDone?: () => void }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ status: FollowupStatus; outcomeNote?: string }>();
  const submit = async (values: { status: FollowupStatus; outcomeNote?: string }) => {
    try {
      await api<FollowupResponse>('PATCH', `/staff/followups/${followupId}`, values);
      void message.success('已记录跟进结果');
      setOpen(false);
      onDone?.();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <>
      <Button size="small" type="primary" onClick={() => setOpen(true)}>
        记录结果
      </Button>
      <Modal
        title="记录跟进结果"
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText="保存"
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ status: 'contacted' }}>
          <Form.Item name="status" label="结果" rules={[{ required: true }]}>
            <Select
              aria-label="跟进结果"
              options={FOLLOWUP_STATUSES.filter((s) => s !== 'open').map((s) => ({ value: s, label: FOLLOWUP_STATUS_LABELS[s] }))}
            />
          </Form.Item>
          <Form.Item name="outcomeNote" label="沟通记录">
            <Input.TextArea rows={3} maxLength={2000} placeholder="客户反馈、下一步计划" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
