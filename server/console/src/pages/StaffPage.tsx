import { STAFF_ROLES, type StaffAccountView, type StaffListResponse, type StaffRole } from '@member-ops/shared';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api';
import { ROLE_LABELS, formatTime } from '../format';
import { useLoad } from '../useLoad';

interface NewStaff {
  username: string;
  displayName: string;
  role: StaffRole;
  storeId?: number;
  password: string;
}

export function StaffPage() {
  const { message } = App.useApp();
  const list = useLoad(() => api<StaffListResponse>('GET', '/admin/staff'), 'staff');
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<NewStaff>();
  const stores = list.data?.stores ?? [];
  const storeName = (id: number | null) => stores.find((s) => s.id === id)?.name ?? '全部门店';
  const roleOptions = STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

  const change = async (staff: StaffAccountView, body: Record<string, unknown>) => {
    try {
      await api('PATCH', `/admin/staff/${staff.id}`, body);
      void message.success('已更新');
      list.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const unlock = async (staff: StaffAccountView) => {
    try {
      await api('POST', `/admin/staff/${staff.id}/unlock`);
      void message.success(`已解锁 ${staff.displayName}`);
      list.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const create = async (values: NewStaff) => {
    try {
      await api('POST', '/admin/staff', { ...values, storeId: values.storeId ?? null });
      void message.success('已创建账号');
      setCreating(false);
      form.resetFields();
      list.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Button type="primary" onClick={() => setCreating(true)}>
        新建员工账号
      </Button>
      <Table<StaffAccountView>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: '账号', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'displayName' },
          {
            title: '角色',
            render: (_: unknown, s: StaffAccountView) => (
              <Select
                size="small"
                style={{ width: 120 }}
                value={s.role}
                options={roleOptions}
                onChange={(role) => change(s, { role })}
              />
            ),
          },
          { title: '门店', dataIndex: 'storeId', render: storeName },
          { title: '最近登录', dataIndex: 'lastLoginAt', render: formatTime },
          {
            title: '登录锁定',
            render: (_: unknown, s: StaffAccountView) =>
              s.lockedUntil ? (
                <Space size="small" data-testid={`staff-lock-${s.username}`}>
                  <Tag color="red">至 {formatTime(s.lockedUntil)}</Tag>
                  <Popconfirm
                    title={`解除 ${s.displayName} 的登录锁定？`}
                    description="清除所有地址的失败次数，操作会记入审计日志。"
                    okText="解锁"
                    cancelText="取消"
                    onConfirm={() => unlock(s)}
                  >
                    <Button size="small">解锁</Button>
                  </Popconfirm>
                </Space>
              ) : (
                '—'
              ),
          },
          {
            title: '启用',
            render: (_: unknown, s: StaffAccountView) => (
              <Switch size="small" checked={s.active} onChange={(active) => change(s, { active })} />
            ),
          },
        ]}
      />
      <Modal
        title="新建员工账号"
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText="创建"
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ role: 'sales_rep' }}>
          <Form.Item
            name="username"
            label="账号"
            rules={[{ required: true, pattern: /^[a-z0-9._-]{3,40}$/i, message: '3–40 位字母、数字或 . _ -' }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="displayName" label="姓名" rules={[{ required: true, message: '请输入姓名' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label="角色">
            <Select options={roleOptions} />
          </Form.Item>
          <Form.Item name="storeId" label="门店">
            <Select allowClear options={stores.map((s) => ({ value: s.id, label: s.name }))} />
          </Form.Item>
          <Form.Item name="password" label="初始密码" rules={[{ required: true, min: 10, message: '至少 10 位' }]}>
            <Input.Password />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
