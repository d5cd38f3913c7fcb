import {
  ContactListResponse,
  FollowupResponse,
  type FollowupStatus,
  FullPhoneResponse,
  InStorePurchaseResponse,
  LogoutResponse,
  RedeemCouponResponse,
  StaffMemberCardResponse,
  StaffMemberLookupResponse,
  type TierCode,
} from '@member-ops/shared';
import { apiRequest } from './http';
import { newClientId } from './ids';
import { staffSignOut } from './session';

/** Staff endpoints (the staff session's token), each typed by its shared contract. */
export const staffApi = {
  lookupByCode: (code: string) =>
    apiRequest({ path: '/api/staff/members/lookup', query: { code }, auth: 'staff', schema: StaffMemberLookupResponse }),
  lookupByPhoneTail: (phoneTail: string) =>
    apiRequest({ path: '/api/staff/members/lookup', query: { phoneTail }, auth: 'staff', schema: StaffMemberLookupResponse }),
  memberCard: (memberId: number) =>
    apiRequest({ path: `/api/staff/members/${memberId}`, auth: 'staff', schema: StaffMemberCardResponse }),
  redeemCoupon: (code: string) =>
    apiRequest({
      method: 'POST',
      path: `/api/staff/coupons/${encodeURIComponent(code)}/redeem`,
      body: {},
      auth: 'staff',
      schema: RedeemCouponResponse,
    }),
  recordPurchase: (memberId: number, purchase: { requestId: string; amountFen: number; note?: string }) =>
    apiRequest({
      method: 'POST',
      path: `/api/staff/members/${memberId}/purchases`,
      body: purchase,
      auth: 'staff',
      schema: InStorePurchaseResponse,
    }),
  contacts: (tier: TierCode | undefined, page = 1) =>
    apiRequest({ path: '/api/staff/contacts', query: { tier, page, pageSize: 30 }, auth: 'staff', schema: ContactListResponse }),
  fullPhone: (memberId: number) =>
    apiRequest({ path: `/api/staff/members/${memberId}/phone`, auth: 'staff', schema: FullPhoneResponse }),
  async recordOutcome(memberId: number, followupId: number | undefined, status: FollowupStatus, note: string) {
    let id = followupId;
    if (id === undefined) {
      const created = await apiRequest({
        method: 'POST',
        path: '/api/staff/followups',
        body: { memberId, dueAt: new Date().toISOString(), title: '电话回访' },
        auth: 'staff',
        schema: FollowupResponse,
      });
      id = created.followup.id;
    }
    return apiRequest({
      method: 'PATCH',
      path: `/api/staff/followups/${id}`,
      body: { status, ...(note.trim() ? { outcomeNote: note.trim() } : {}) },
      auth: 'staff',
      schema: FollowupResponse,
    });
  },
  async logout() {
    await apiRequest({
      method: 'POST',
      path: '/api/staff/logout',
      body: {},
      auth: 'staff',
      schema: LogoutResponse,
      silent: true,
    }).catch(() => undefined);
    staffSignOut();
  },
  newPurchaseId: () => newClientId('till'),
};
