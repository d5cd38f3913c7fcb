import type { AuditEntry, AuditListResponse } from '@member-ops/shared';
import { Alert, Button, Input, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, queryString } from '../api';
import { formatTime } from '../format';
import { useLoad } from '../useLoad';

const ACTION_LABELS: Record<string, string> = {
  'contacts.export': '导出名单',
  'member.phone_view': '查看完整手机号',
  'member.export': '导出会员个人数据',
  'member.erase': '注销会员（删除个人信息）',
  'segment.create': '新建人群',
  'segment.update': '修改人群规则',
  'segment.archive': '归档人群',
  'staff.create': '新建员工',
  'staff.update': '修改员工',
  'staff.role_change': '变更角色',
  'reps.assign': '分配会员',
  'reps.handover': '离职交接',
  'rules.change': '修改规则',
  'staff.login': '员工登录',
  'staff.logout': '员工退出',
  'staff.login_failed': '登录失败',
  'staff.login_refused': '锁定期间尝试登录',
  'staff.login_locked': '登录锁定',
  'staff.unlock': '解除登录锁定',
  'order.refund_requested': '发起退款',
  'refund.amount_mismatch': '退款金额不符',
  'refund.unknown_refund': '未知退款通知',
  'points.clawback_shortfall': '退款扣回积分不足',
};

export function AuditPage() {
  const [action, setAction] = useState('');
  const [pages, setPages] = useState<number[]>([]);
  const before = pages.at(-1);
  const list = useLoad(
    () => api<AuditListResponse>('GET', `/admin/audit${queryString({ action, before, pageSize: 50 })}`),
    JSON.stringify([action, before]),
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Input.Search
        placeholder="按操作筛选，如 contacts. / staff. / refund"
        allowClear
        style={{ width: 360 }}
        onSearch={(value) => {
          setAction(value.trim());
          setPages([]);
        }}
      />
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: '时间', dataIndex: 'at', render: formatTime, width: 170 },
          { title: '操作', dataIndex: 'action', width: 150, render: (a: string) => <Tag>{ACTION_LABELS[a] ?? a}</Tag> },
          { title: '操作人', dataIndex: 'actorName', width: 120, render: (n: string | null) => n ?? '系统' },
          {
            title: '对象',
            width: 170,
            render: (_: unknown, e: AuditEntry) => (e.targetType ? `${e.targetType} #${e.targetId}` : '—'),
          },
          {
            title: '详情',
            dataIndex: 'detail',
            render: (d: Record<string, unknown>) => <code style={{ fontSize: 12 }}>{JSON.stringify(d)}</code>,
          },
          { title: 'IP', dataIndex: 'ip', render: (ip: string | null) => ip ?? '—' },
        ]}
      />
      <Space>
        <Button disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          上一页
        </Button>
        <Button
          disabled={!list.data?.nextBefore}
          onClick={() => {
            const next = list.data?.nextBefore;
            if (next) setPages((p) => [...p, next]);
          }}
        >
          下一页
        </Button>
      </Space>
    </Space>
  );
}
