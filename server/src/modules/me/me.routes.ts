import { BindPhoneRequest, BindPhoneResponse, MeResponse, PrivacyConsentResponse, UpdateMeRequest } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { bindPhone, recordPrivacyConsent, updateProfile } from './me.service';
import { loadProfile } from './profile.service';

export function registerMeRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = [memberAuth(context.database, context.clock)];
  const profileDeps = { executor: context.database.db, phoneKeys: context.wechat.phoneKeys, logger: context.logger };

  api.add({
    method: 'get',
    path: '/me',
    summary: 'The signed-in member: profile, masked phone, tier progress, points, lifecycle, preferences',
    tags: ['me'],
    security: ['member'],
    middleware: auth,
    response: MeResponse,
    errors: [401],
    handler: (_input, ctx) => loadProfile(profileDeps, currentMember(ctx).id, context.clock()),
  });

  api.add({
    method: 'patch',
    path: '/me',
    summary: 'Change nickname, avatar, birthday, gender or region',
    description:
      'Only the given fields change. The birthday must be a past date and can be set once: it drives birthday ' +
      'coupons, so changing it later is refused with 409 (sending the same date again is fine).',
    tags: ['me'],
    security: ['member'],
    middleware: auth,
    body: UpdateMeRequest,
    response: MeResponse,
    errors: [401, 409],
    handler: async ({ body }, ctx) => {
      const memberId = currentMember(ctx).id;
      await updateProfile(context.database, memberId, body, context.clock());
      return loadProfile(profileDeps, memberId, context.clock());
    },
  });

  api.add({
    method: 'post',
    path: '/me/phone',
    summary: 'Bind the phone number behind a getPhoneNumber button code',
    description:
      'The number is stored encrypted (with a keyed hash for lookup and the last four digits) and only ever shown ' +
      'masked. A number already bound to another member is a 409.',
    tags: ['me'],
    security: ['member'],
    middleware: auth,
    body: BindPhoneRequest,
    response: BindPhoneResponse,
    errors: [401, 409, 422, 503],
    handler: ({ body }, ctx) =>
      bindPhone(
        {
          database: context.database,
          wechat: context.wechat.wechat,
          phoneKeys: context.wechat.phoneKeys,
          logger: context.logger,
        },
        currentMember(ctx).id,
        body.code,
        context.clock(),
      ),
  });

  api.add({
    method: 'post',
    path: '/me/privacy-consent',
    summary: 'Record that the member accepted the privacy policy (now)',
    tags: ['me'],
    security: ['member'],
    middleware: auth,
    response: PrivacyConsentResponse,
    errors: [401],
    handler: async (_input, ctx) => {
      const at = await recordPrivacyConsent(context.database, currentMember(ctx).id, context.clock());
      return { privacyConsentAt: at.toISOString() };
    },
  });
}
