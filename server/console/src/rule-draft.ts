import { getSegmentRuleCatalogue, type SegmentOperator } from '@member-ops/shared';

const fieldByName = new Map(getSegmentRuleCatalogue().fields.map((f) => [f.field as string, f]));

/** One row of the builder: a field condition or an event count over the last N days. */
export type ConditionDraft =
  | { type: 'field'; field: string; op: SegmentOperator; value?: unknown }
  | { type: 'event'; event: string; lastDays: number; op: SegmentOperator; value?: unknown };

export interface RuleDraft {
  combine: 'all' | 'any';
  conditions: ConditionDraft[];
}

export const NO_VALUE: SegmentOperator[] = ['isNull', 'isNotNull', 'isEmpty'];

/** The draft as a rule of the shared rule language (money typed in yuan becomes fen). */
export function draftToRule(draft: RuleDraft): Record<string, unknown> {
  const conditions = draft.conditions.map((c) => {
    if (c.type === 'event') return { event: c.event, window: { lastDays: c.lastDays }, op: c.op, value: c.value };
    const field = fieldByName.get(c.field);
    const toFen = (v: unknown) => (typeof v === 'number' && field?.unit === 'fen' ? Math.round(v * 100) : v);
    if (NO_VALUE.includes(c.op)) return { field: c.field, op: c.op };
    const value = Array.isArray(c.value) && field?.kind !== 'enum' && c.op === 'between' ? c.value.map(toFen) : toFen(c.value);
    return { field: c.field, op: c.op, value };
  });
  return { [draft.combine]: conditions };
}
