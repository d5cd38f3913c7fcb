import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFM_SEGMENTS } from '../vocabulary';
import { DEFAULT_RFM_CONFIG } from './config';
import { scoreBase, scoreMember, type RfmBaseStats } from './scoreBase';
import { RFM_SEGMENT_FLAGS } from './segment';
import { rfmBaseArb as baseArb, rfmConfigArb as configArb, rfmTestNow as now } from './testing/arbitraries';
import type { RfmMemberInput } from './window';

describe('scoreBase properties', () => {
  it('one member scored alone against stored (JSON) stats equals the batch result', () => {
    fc.assert(
      fc.property(baseArb, configArb, (members, config) => {
        const batch = scoreBase(members, now, config);
        if (!batch.stats) return;
        const stored = JSON.parse(JSON.stringify(batch.stats)) as RfmBaseStats;
        members.forEach((member, i) => {
          expect(scoreMember(member, stored, now, config)).toEqual(batch.members[i]);
        });
      }),
    );
  });

  it('the order of the base changes nothing', () => {
    const withPermutation = baseArb.chain((members) =>
      fc.tuple(fc.constant(members), fc.shuffledSubarray(members, { minLength: members.length, maxLength: members.length })),
    );
    fc.assert(
      fc.property(withPermutation, ([members, shuffled]) => {
        const a = scoreBase(members, now, DEFAULT_RFM_CONFIG);
        const b = scoreBase(shuffled, now, DEFAULT_RFM_CONFIG);
        expect(b.stats).toEqual(a.stats);
        const byId = new Map(a.members.map((m) => [m.memberId, m]));
        for (const result of b.members) expect(result).toEqual(byId.get(result.memberId));
      }),
    );
  });

  it('ties never split: equal inputs give equal results', () => {
    fc.assert(
      fc.property(baseArb, (members) => {
        const { members: results } = scoreBase(members, now, DEFAULT_RFM_CONFIG);
        const byValues = new Map<string, unknown>();
        results.forEach((result, i) => {
          const member = members[i] as RfmMemberInput;
          const key = JSON.stringify([result.recencyDays, result.frequency, result.monetaryFen, member.predictedValueFen]);
          const { memberId: _ignored, ...rest } = result;
          if (byValues.has(key)) expect(rest).toEqual(byValues.get(key));
          else byValues.set(key, rest);
        });
      }),
    );
  });

  it('segments partition the buyers, agreeing with exact mean comparisons', () => {
    fc.assert(
      fc.property(baseArb, (members) => {
        const { stats, members: results } = scoreBase(members, now, DEFAULT_RFM_CONFIG);
        const buyers = results.filter((r) => r.recencyDays !== null);
        const n = BigInt(buyers.length);
        const sum = (pick: (r: (typeof buyers)[number]) => number) => buyers.reduce((s, r) => s + BigInt(pick(r)), 0n);
        const [sumR, sumF, sumM] = [sum((r) => r.recencyDays ?? 0), sum((r) => r.frequency), sum((r) => r.monetaryFen)];
        for (const result of results) {
          if (result.recencyDays === null) {
            expect(result.segment).toBeNull();
            expect(result.scores).toBeNull();
            continue;
          }
          expect(RFM_SEGMENTS).toContain(result.segment);
          expect(RFM_SEGMENT_FLAGS[result.segment as (typeof RFM_SEGMENTS)[number]]).toEqual({
            recent: BigInt(result.recencyDays) * n < sumR,
            frequent: BigInt(result.frequency) * n > sumF,
            highSpend: BigInt(result.monetaryFen) * n > sumM,
          });
        }
        expect(stats?.buyerCount ?? 0).toBe(buyers.length);
      }),
    );
  });

  it('scores rise with the raw value and layers keep their shares', () => {
    fc.assert(
      fc.property(baseArb, configArb, (members, config) => {
        const { members: results } = scoreBase(members, now, config);
        const buyers = results.filter((r) => r.scores !== null);
        for (const a of buyers) {
          for (const b of buyers) {
            if (a.frequency > b.frequency) expect(a.scores?.f).toBeGreaterThanOrEqual(b.scores?.f ?? 0);
            if (a.monetaryFen > b.monetaryFen) expect(a.scores?.m).toBeGreaterThanOrEqual(b.scores?.m ?? 0);
            if ((a.recencyDays ?? 0) < (b.recencyDays ?? 0)) expect(a.scores?.r).toBeGreaterThanOrEqual(b.scores?.r ?? 0);
          }
        }
        const n = buyers.length;
        const high = buyers.filter((r) => r.valueLayer === 'high').length;
        const highOrMid = buyers.filter((r) => r.valueLayer !== 'low').length;
        expect(100 * high).toBeLessThanOrEqual(config.valueLayer.highTopPercent * n);
        expect(100 * highOrMid).toBeLessThanOrEqual((config.valueLayer.highTopPercent + config.valueLayer.midNextPercent) * n);
      }),
    );
  });
});
