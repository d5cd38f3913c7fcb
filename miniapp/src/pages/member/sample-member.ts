import { type TierProgressMember, addDays, addMonths } from '@member-ops/shared';

export interface MemberCardSource {
  nickname: string;
  member: TierProgressMember;
}

/**
 * A silver member with a year of orders, dated relative to `now` so the card always shows a live upgrade hint.
 * Stands in for GET /api/me until the page loads the signed-in member.
 */
export function sampleMember(now: Date): MemberCardSource {
  return {
    nickname: '林小满',
    member: {
      tier: 'silver',
      keepUntil: addMonths(now, 7),
      orders: [
        { paidAt: addDays(now, -320), amountFen: 56_000, refundedFen: 0 },
        { paidAt: addDays(now, -150), amountFen: 236_000, refundedFen: 0 },
        { paidAt: addDays(now, -30), amountFen: 128_000, refundedFen: 0 },
      ],
    },
  };
}
