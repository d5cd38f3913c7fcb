import { describe, expect, it } from 'vitest';
import { addDays, fromShanghai } from '../time';
import { DEFAULT_RFM_CONFIG } from './config';
import { computeRfmBaseStats, scoreBase, scoreMember } from './scoreBase';
import type { RfmMemberInput } from './window';

const now = fromShanghai(2026, 6, 30, 12);
const HOUR = 3_600_000;

function buyer(
  memberId: string,
  recencyDays: number,
  frequency: number,
  monetaryFen: number,
  predictedValueFen: number | null = null,
): RfmMemberInput {
  // A few hours on top of the whole days: recency is floored.
  const lastPaidAt = new Date(addDays(now, -recencyDays).getTime() - 5 * HOUR);
  return { memberId, lastPaidAt, paidOrderCount: frequency, netPaidFen: monetaryFen, predictedValueFen };
}

const nonBuyer: RfmMemberInput = { memberId: 'N', lastPaidAt: null, paidOrderCount: 0, netPaidFen: 0, predictedValueFen: 80_000 };

// Worked example, five buyers and one non-buyer.
const base: RfmMemberInput[] = [
  buyer('A', 2, 6, 300_000, 400_000),
  buyer('B', 10, 3, 90_000),
  buyer('C', 45, 1, 20_000, 10_000),
  nonBuyer,
  buyer('D', 120, 2, 150_000),
  buyer('E', 300, 1, 5_000),
];

describe('scoreBase (worked example)', () => {
  const { stats, members } = scoreBase(base, now, DEFAULT_RFM_CONFIG);
  const byId = new Map(members.map((m) => [m.memberId, m]));

  it('takes cut points at positions 1–4 of five buyers, worst first', () => {
    expect(stats).toEqual({
      buyerCount: 5,
      cutPoints: {
        recency: [300, 120, 45, 10],
        frequency: [1, 1, 2, 3],
        monetary: [5_000, 20_000, 90_000, 150_000],
      },
      // R mean 477/5 = 95.4 days, F mean 13/5 = 2.6, M mean 565,000/5 = 113,000 fen.
      means: { recency: { sum: 477, count: 5 }, frequency: { sum: 13, count: 5 }, monetary: { sum: 565_000, count: 5 } },
      // layer values 5,000 · 10,000 · 90,000 · 150,000 · 400,000: 3rd and 4th.
      valueLayerCutPoints: { mid: 90_000, high: 150_000 },
    });
  });

  it('scores, segments and layers every buyer', () => {
    const summary = (id: string) => {
      const m = byId.get(id);
      return [m?.recencyDays, m?.scores, m?.segment, m?.valueLayer, m?.valueLayerBasis?.source];
    };
    expect(summary('A')).toEqual([2, { r: 5, f: 5, m: 5 }, 'important_value', 'high', 'predicted']);
    expect(summary('B')).toEqual([10, { r: 4, f: 4, m: 3 }, 'general_value', 'low', 'monetary']);
    expect(summary('C')).toEqual([45, { r: 3, f: 1, m: 2 }, 'general_develop', 'low', 'predicted']);
    expect(summary('D')).toEqual([120, { r: 2, f: 3, m: 4 }, 'important_winback', 'mid', 'monetary']);
    expect(summary('E')).toEqual([300, { r: 1, f: 1, m: 1 }, 'general_winback', 'low', 'monetary']);
  });

  it('gives the non-buyer nulls even with a predicted value', () => {
    expect(byId.get('N')).toEqual({
      memberId: 'N',
      recencyDays: null,
      frequency: 0,
      monetaryFen: 0,
      scores: null,
      segment: null,
      valueLayer: null,
      valueLayerBasis: null,
    });
  });

  it('scores a member alone against the stored stats like the batch', () => {
    if (!stats) throw new Error('expected stats');
    for (const member of base) expect(scoreMember(member, stats, now, DEFAULT_RFM_CONFIG)).toEqual(byId.get(member.memberId));
  });

  it('scores a newcomer against the stored stats', () => {
    if (!stats) throw new Error('expected stats');
    const newcomer = scoreMember(buyer('F', 0, 1, 99_000), stats, now, DEFAULT_RFM_CONFIG);
    // R 0 beats every recency cut point; F 1 beats none; M 99,000 beats 5,000 / 20,000 / 90,000.
    expect(newcomer.scores).toEqual({ r: 5, f: 1, m: 4 });
    expect(newcomer.segment).toBe('general_develop');
    expect(newcomer.valueLayer).toBe('mid');
  });
});

describe('scoreBase edge cases', () => {
  it('returns no stats and null results for a base without buyers', () => {
    const result = scoreBase([nonBuyer], now, DEFAULT_RFM_CONFIG);
    expect(result.stats).toBeNull();
    expect(result.members[0]?.scores).toBeNull();
    expect(computeRfmBaseStats([], now, DEFAULT_RFM_CONFIG)).toBeNull();
  });

  it('gives a single buyer the lowest scores (nothing to beat) and a general_winback segment', () => {
    const { members } = scoreBase([buyer('solo', 5, 2, 1_000)], now, DEFAULT_RFM_CONFIG);
    expect(members[0]?.scores).toEqual({ r: 1, f: 1, m: 1 });
    expect(members[0]?.segment).toBe('general_winback');
    expect(members[0]?.valueLayer).toBe('low');
  });

  it('respects a shorter window', () => {
    const config = { ...DEFAULT_RFM_CONFIG, windowDays: 30 };
    expect(() => scoreBase([buyer('old', 40, 1, 100)], now, config)).toThrow(/window/);
  });
});
