import { SubscriptionResultsRequest, SubscriptionsResponse } from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentMember, memberAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import { listSubscriptions, recordSubscriptionResults } from './consent.service';

export function registerConsentRoutes(api: ApiRouter, context: ServerContext): void {
  const auth = [memberAuth(context.database, context.clock)];

  api.add({
    method: 'post',
    path: '/me/subscriptions',
    summary: 'Record the answers to wx.requestSubscribeMessage (1–3 templates)',
    description:
      'accept grants one more one-time send of that template; reject is recorded; ban (the shopper switched the ' +
      'template off) is recorded and drops the unused sends. Unknown template ids are a 400 naming each one. ' +
      'Answers WeChat reports as `filter` are not sent. Returns the credits after the change.',
    tags: ['consent'],
    security: ['member'],
    middleware: auth,
    body: SubscriptionResultsRequest,
    response: SubscriptionsResponse,
    errors: [401],
    handler: async ({ body }, ctx) => {
      const memberId = currentMember(ctx).id;
      await recordSubscriptionResults(context.database, memberId, body, context.clock());
      return listSubscriptions(context.database, memberId);
    },
  });

  api.add({
    method: 'get',
    path: '/me/subscriptions',
    summary: 'Unused subscribe-message sends per template',
    tags: ['consent'],
    security: ['member'],
    middleware: auth,
    response: SubscriptionsResponse,
    errors: [401],
    handler: (_input, ctx) => listSubscriptions(context.database, currentMember(ctx).id),
  });
}
