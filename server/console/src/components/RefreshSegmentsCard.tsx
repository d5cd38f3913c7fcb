import type { JobRunsResponse, RefreshSegmentsResponse } from '@member-ops/shared';
import { App, Button, Card, Progress, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { formatTime } from '../format';

const POLL_MS = 1000;

/** Starts a segment refresh and shows its live progress from the job run. */
export function RefreshSegmentsCard({ onFinished }: { onFinished: () => void }) {
  const { message } = App.useApp();
  const [runs, setRuns] = useState<JobRunsResponse['runs']>([]);
  const [polling, setPolling] = useState(true);
  useEffect(() => {
    if (!polling) return undefined;
    let live = true;
    const tick = async () => {
      try {
        const result = await api<JobRunsResponse>('GET', '/admin/jobs/runs?job=segments.refresh&limit=1');
        if (!live) return;
        setRuns(result.runs);
        if (result.runs[0]?.status !== 'running') {
          setPolling(false);
          onFinished();
        }
      } catch (err) {
        if (live) void message.error(errorText(err));
        setPolling(false);
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [polling, message, onFinished]);
  const run = runs[0];
  const progress = run?.progress as { stage?: string; done?: number; total?: number } | undefined;
  const percent =
    run?.status === 'succeeded' ? 100 : progress?.total ? Math.round(((progress.done ?? 0) / progress.total) * 100) : 0;
  const start = async () => {
    try {
      await api<RefreshSegmentsResponse>('POST', '/admin/jobs/refresh-segments', {});
      setPolling(true);
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <Card size="small" title="分层重算">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Progress
          percent={percent}
          status={run?.status === 'failed' ? 'exception' : run?.status === 'running' ? 'active' : undefined}
        />
        <Typography.Text type="secondary">
          {run
            ? `${{ running: '运行中', succeeded: '已完成', failed: '失败', stale: '已中断' }[run.status]} · ${progress?.stage ?? ''} · ${formatTime(run.startedAt)}`
            : '尚未运行'}
        </Typography.Text>
        <Button onClick={start} loading={run?.status === 'running'}>
          立即重算 RFM / 生命周期
        </Button>
      </Space>
    </Card>
  );
}
