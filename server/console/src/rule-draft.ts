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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function conditionToDraft(node: unknown): ConditionDraft | null {
  if (!isRecord(node) || typeof node.op !== 'string') return null;
  const op = node.op as SegmentOperator;
  if (typeof node.event === 'string') {
    const window = node.window;
    if (!isRecord(window) || typeof window.lastDays !== 'number') return null;
    return { type: 'event', event: node.event, lastDays: window.lastDays, op, value: node.value };
  }
  if (typeof node.field !== 'string') return null;
  const field = fieldByName.get(node.field);
  if (!field) return null;
  if (NO_VALUE.includes(op)) return { type: 'field', field: node.field, op };
  const toYuan = (v: unknown) => (typeof v === 'number' && field.unit === 'fen' ? v / 100 : v);
  const value =
    Array.isArray(node.value) && field.kind !== 'enum' && op === 'between' ? node.value.map(toYuan) : toYuan(node.value);
  return { type: 'field', field: node.field, op, value };
}

/**
 * A saved rule back as builder rows (fen become yuan), or null when the builder cannot show it: nested groups,
 * `not`, or event windows given as dates.
 */
export function ruleToDraft(rule: unknown): RuleDraft | null {
  if (!isRecord(rule)) return null;
  const combine = Array.isArray(rule.all) ? 'all' : Array.isArray(rule.any) ? 'any' : null;
  const children: unknown[] = combine === 'all' ? (rule.all as unknown[]) : combine === 'any' ? (rule.any as unknown[]) : [rule];
  const conditions = children.map(conditionToDraft);
  if (conditions.some((c) => c === null)) return null;
  return { combine: combine ?? 'all', conditions: conditions.filter((c): c is ConditionDraft => c !== null) };
}
