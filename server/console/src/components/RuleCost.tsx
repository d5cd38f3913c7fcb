import { SEGMENT_RULE_BUDGET, segmentRuleBudgetIssues, storedSegmentRuleSchema } from '@member-ops/shared';
import { Typography } from 'antd';

/**
 * What the rule being edited costs against the shared budget (the server refuses a rule over it), so the
 * operator sees the limit before the preview is refused. Nothing is shown while the rule is incomplete.
 */
export function RuleCost({ rule }: { rule: Record<string, unknown> }) {
  const parsed = storedSegmentRuleSchema.safeParse(rule);
  if (!parsed.success) return null;
  const { cost, issues } = segmentRuleBudgetIssues(parsed.data);
  const { maxEventConditions, maxEventWindowDays, maxListValuesTotal } = SEGMENT_RULE_BUDGET;
  return (
    <Typography.Paragraph
      type={issues.length > 0 ? 'danger' : 'secondary'}
      data-testid="segment-rule-cost"
      style={{ marginTop: 8 }}
    >
      规则开销：事件条件 {cost.eventConditions}/{maxEventConditions} 个 · 事件时间窗口 {cost.eventWindowDays}/{maxEventWindowDays}{' '}
      天 · 列表取值 {cost.listValues}/{maxListValuesTotal} 个
      {issues.map((issue) => (
        <span key={issue.path.join('.')}>
          <br />
          {issue.message}
        </span>
      ))}
    </Typography.Paragraph>
  );
}
