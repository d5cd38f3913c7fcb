import type { Fen } from '../money';
import type { RfmSegment, ValueLayer } from '../vocabulary';
import type { RfmConfig } from './config';
import { computeCutPoints, scoreAgainstCutPoints, type QuintileCutPoints, type RfmScore } from './quantiles';
import { computeRfmMeans, rfmSegmentFor, type RfmMeans } from './segment';
import {
  computeValueLayerCutPoints,
  valueLayerBasisOf,
  valueLayerFor,
  type ValueLayerBasis,
  type ValueLayerCutPoints,
} from './valueLayer';
import { rfmValuesOf, type RfmMemberInput, type RfmValues } from './window';

/**
 * What the batch learns from the whole base of buyers and stores (plain JSON, no dates), so that one
 * member can later be scored alone with the same result.
 */
export interface RfmBaseStats {
  buyerCount: number;
  cutPoints: { recency: QuintileCutPoints; frequency: QuintileCutPoints; monetary: QuintileCutPoints };
  means: RfmMeans;
  valueLayerCutPoints: ValueLayerCutPoints;
}

export interface RfmScores {
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
}

/** A member's RFM result; everything but the raw F and M is null for a non-buyer. */
export interface RfmMemberResult {
  memberId: string;
  recencyDays: number | null;
  frequency: number;
  monetaryFen: Fen;
  scores: RfmScores | null;
  segment: RfmSegment | null;
  valueLayer: ValueLayer | null;
  valueLayerBasis: ValueLayerBasis | null;
}

export interface RfmBaseResult {
  /** Null when the base has no buyer: there is nothing to take cut points from. */
  stats: RfmBaseStats | null;
  members: RfmMemberResult[];
}

interface Buyer {
  member: RfmMemberInput;
  values: RfmValues;
}

function buyersOf(members: readonly RfmMemberInput[], now: Date, config: RfmConfig): Buyer[] {
  const buyers: Buyer[] = [];
  for (const member of members) {
    const values = rfmValuesOf(member, now, config);
    if (values) buyers.push({ member, values });
  }
  return buyers;
}

/**
 * Cut points, means and layer cut points over the members with F ≥ 1; null when there are none.
 * @example computeRfmBaseStats(members, now, DEFAULT_RFM_CONFIG)?.cutPoints.frequency // e.g. [1, 1, 2, 3]
 */
export function computeRfmBaseStats(members: readonly RfmMemberInput[], now: Date, config: RfmConfig): RfmBaseStats | null {
  const buyers = buyersOf(members, now, config);
  if (buyers.length === 0) return null;
  const values = buyers.map((b) => b.values);
  return {
    buyerCount: buyers.length,
    cutPoints: {
      recency: computeCutPoints(
        values.map((v) => v.recencyDays),
        'lower_is_better',
      ),
      frequency: computeCutPoints(
        values.map((v) => v.frequency),
        'higher_is_better',
      ),
      monetary: computeCutPoints(
        values.map((v) => v.monetaryFen),
        'higher_is_better',
      ),
    },
    means: computeRfmMeans(values),
    valueLayerCutPoints: computeValueLayerCutPoints(
      buyers.map((b) => valueLayerBasisOf(b.member.predictedValueFen, b.values.monetaryFen).valueFen),
      config,
    ),
  };
}

function nonBuyerResult(member: RfmMemberInput): RfmMemberResult {
  return {
    memberId: member.memberId,
    recencyDays: null,
    frequency: 0,
    monetaryFen: member.netPaidFen,
    scores: null,
    segment: null,
    valueLayer: null,
    valueLayerBasis: null,
  };
}

function buyerResult(member: RfmMemberInput, values: RfmValues, stats: RfmBaseStats): RfmMemberResult {
  const basis = valueLayerBasisOf(member.predictedValueFen, values.monetaryFen);
  return {
    memberId: member.memberId,
    recencyDays: values.recencyDays,
    frequency: values.frequency,
    monetaryFen: values.monetaryFen,
    scores: {
      r: scoreAgainstCutPoints(values.recencyDays, stats.cutPoints.recency, 'lower_is_better'),
      f: scoreAgainstCutPoints(values.frequency, stats.cutPoints.frequency, 'higher_is_better'),
      m: scoreAgainstCutPoints(values.monetaryFen, stats.cutPoints.monetary, 'higher_is_better'),
    },
    segment: rfmSegmentFor(values, stats.means),
    valueLayer: valueLayerFor(basis.valueFen, stats.valueLayerCutPoints),
    valueLayerBasis: basis,
  };
}

/**
 * One member against stored base stats — after an order, between two batch runs. For a member of the
 * base the stats came from, this is exactly the batch result.
 * @example scoreMember(member, stats, now, DEFAULT_RFM_CONFIG).segment // 'important_value'
 */
export function scoreMember(member: RfmMemberInput, stored: RfmBaseStats, now: Date, config: RfmConfig): RfmMemberResult {
  const values = rfmValuesOf(member, now, config);
  return values ? buyerResult(member, values, stored) : nonBuyerResult(member);
}

/**
 * The whole base at once: stats from the buyers, then every member scored against them.
 * @example const { stats, members: results } = scoreBase(members, now, DEFAULT_RFM_CONFIG);
 */
export function scoreBase(members: readonly RfmMemberInput[], now: Date, config: RfmConfig): RfmBaseResult {
  const stats = computeRfmBaseStats(members, now, config);
  // Without stats there is no buyer, so every member gets the non-buyer result.
  return { stats, members: members.map((member) => (stats ? scoreMember(member, stats, now, config) : nonBuyerResult(member))) };
}
