import {
  LIFECYCLE_LABELS,
  RFM_SEGMENT_LABELS,
  TIER_LABELS,
  VALUE_LAYER_LABELS,
  type LifecycleStage,
  type RfmSegment,
  type StaffRole,
  type TierCode,
  type ValueLayer,
  yuanToFen,
} from '@member-ops/shared';

export const ROLE_LABELS: Record<StaffRole, string> = {
  admin: '管理员',
  operator: '运营',
  store_staff: '门店店员',
  sales_rep: '销售顾问',
};

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Times are stored in UTC and shown in Shanghai time. */
export const formatTime = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : '—');
export const formatDate = (iso: string | null | undefined): string => (iso ? dateOnly.format(new Date(iso)) : '—');
export const formatYuan = (fen: number | null | undefined): string =>
  fen === null || fen === undefined
    ? '—'
    : `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** A yuan amount typed into a form as integer fen for the API; blank stays null. */
export const fenFromYuan = (yuan: number | null | undefined): number | null =>
  yuan === null || yuan === undefined ? null : yuanToFen(yuan);
export const formatPercent = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`;

export const tierLabel = (tier: TierCode | null | undefined): string => (tier ? TIER_LABELS[tier] : '—');
export const lifecycleLabel = (stage: LifecycleStage | null | undefined): string => (stage ? LIFECYCLE_LABELS[stage] : '—');
export const rfmLabel = (segment: RfmSegment | null | undefined): string => (segment ? RFM_SEGMENT_LABELS[segment] : '未评分');
export const valueLayerLabel = (layer: ValueLayer | null | undefined): string => (layer ? VALUE_LAYER_LABELS[layer] : '—');

export const TIER_COLORS: Record<TierCode, string> = { normal: 'default', silver: 'geekblue', gold: 'gold', diamond: 'purple' };

export const PRICE_BAND_LABELS: Record<'low' | 'mid' | 'high', string> = { low: '低价位', mid: '中价位', high: '高价位' };
