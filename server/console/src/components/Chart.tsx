import ReactECharts from 'echarts-for-react';
import type { EChartsOption } from 'echarts';

/** An ECharts chart sized for a dashboard card. */
export function Chart({ option, height = 280, testId }: { option: EChartsOption; height?: number; testId?: string }) {
  return (
    <div data-testid={testId}>
      <ReactECharts option={{ animation: false, ...option }} style={{ height }} notMerge />
    </div>
  );
}
