import type { JobRunsResponse, JobRunView } from '@member-ops/shared';
import { Card, Progress, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { formatTime } from '../format';

const JOB_LABELS: Record<string, string> = {
  'segments.refresh': '分层重算',
  'campaigns.plan': '活动圈人',
  'campaigns.deliver': '消息/券发放',
  'points.expire': '积分过期',
  'tiers.review': '等级保级',
  'clv.refit': 'CLV 模型',
  'orders.expire-unpaid': '超时订单关闭',
  'payments.reconcile': '支付对账',
  'recommendations.rebuild': '推荐模型重算',
  'catalog.fold-sales': '销量汇总',
  'staff.purge-sign-in-throttles': '登录限制清理',
};
const STATUS: Record<JobRunView['status'], { label: string; color: string }> = {
  running: { label: '运行中', color: 'processing' },
  succeeded: { label: '成功', color: 'success' },
  failed: { label: '失败', color: 'error' },
  stale: { label: '已中断', color: 'warning' },
};
const POLL_MS = 3000;

/** The latest background job runs with their live progress, refreshed every few seconds. */
export function JobRunsCard() {
  const [runs, setRuns] = useState<JobRunView[]>([]);
  useEffect(() => {
    let live = true;
    const tick = () =>
      api<JobRunsResponse>('GET', '/admin/jobs/runs?limit=8').then(
        (result) => live && setRuns(result.runs),
        () => undefined,
      );
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return (
    <Card size="small" title="后台任务">
      <Table<JobRunView>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={runs}
        columns={[
          { title: '任务', dataIndex: 'job', render: (job: string) => JOB_LABELS[job] ?? job },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: JobRunView['status']) => <Tag color={STATUS[s].color}>{STATUS[s].label}</Tag>,
          },
          {
            title: '进度',
            render: (_: unknown, run: JobRunView) => {
              const { done, total } = run.progress as { done?: number; total?: number };
              const percent = run.status === 'succeeded' ? 100 : total ? Math.round(((done ?? 0) / total) * 100) : 0;
              return <Progress size="small" percent={percent} style={{ width: 120 }} />;
            },
          },
          { title: '开始', dataIndex: 'startedAt', render: formatTime },
          {
            title: '耗时',
            dataIndex: 'durationMs',
            render: (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} 秒`),
          },
          { title: '错误', dataIndex: 'error', render: (e: string | null) => e ?? '—' },
        ]}
      />
    </Card>
  );
}
