import type { AssignmentResponse, RepLoad, RepsResponse } from '@member-ops/shared';
import { Alert, App, Button, Card, Form, Select, Space, Statistic, Table } from 'antd';
import { api, errorText } from '../api';
import { useLoad } from '../useLoad';

export function RepsPage() {
  const { message, modal } = App.useApp();
  const reps = useLoad(() => api<RepsResponse>('GET', '/admin/reps'), 'reps');
  const options = (reps.data?.reps ?? []).map((r) => ({ value: r.repId, label: `${r.displayName}（${r.members}人）` }));
  const assign = async () => {
    try {
      const result = await api<AssignmentResponse>('POST', '/admin/reps/assign', {});
      void message.success(`已分配 ${result.assigned} 位会员`);
      reps.reload();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  const handover = (values: { fromRepId: number; toRepId?: number }) =>
    modal.confirm({
      title: '确认交接？',
      content: values.toRepId ? '该顾问的全部会员和待办跟进将转给接手人。' : '该顾问的会员将平均分配给同门店其他顾问。',
      onOk: async () => {
        try {
          const result = await api<AssignmentResponse>('POST', '/admin/reps/handover', values);
          void message.success(`已交接 ${result.assigned} 位会员`);
          reps.reload();
        } catch (err) {
          void message.error(errorText(err));
        }
      },
    });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {reps.error && <Alert type="error" showIcon message={reps.error} />}
      <Card size="small">
        <Space size="large">
          <Statistic title="未分配会员（有门店）" value={reps.data?.unowned ?? 0} />
          <Button type="primary" onClick={assign}>
            按门店均衡分配
          </Button>
        </Space>
      </Card>
      <Table<RepLoad>
        rowKey="repId"
        size="small"
        loading={reps.loading}
        dataSource={reps.data?.reps ?? []}
        pagination={false}
        columns={[
          { title: '顾问', dataIndex: 'displayName' },
          { title: '门店ID', dataIndex: 'storeId', render: (s: number | null) => s ?? '—' },
          { title: '名下会员', dataIndex: 'members' },
        ]}
      />
      <Card size="small" title="离职交接">
        <Form layout="inline" onFinish={handover}>
          <Form.Item name="fromRepId" label="离职顾问" rules={[{ required: true, message: '请选择' }]}>
            <Select style={{ width: 200 }} options={options} />
          </Form.Item>
          <Form.Item name="toRepId" label="接手顾问">
            <Select allowClear placeholder="不选则同店均分" style={{ width: 200 }} options={options} />
          </Form.Item>
          <Button htmlType="submit" danger>
            交接
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
