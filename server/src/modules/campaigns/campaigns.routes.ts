import {
  CampaignDeleteResponse,
  CampaignIdParams,
  CampaignInput,
  CampaignListQuery,
  CampaignListResponse,
  CampaignPreviewResponse,
  CampaignReportResponse,
  CampaignTransitionRequest,
  CampaignView,
} from '@member-ops/shared';
import type { ApiRouter } from '../../http/api-router';
import { currentStaff, requireRole, staffAuth } from '../../http/auth';
import type { ServerContext } from '../../server';
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  transitionCampaign,
  updateCampaign,
} from './campaigns.service';
import { previewCampaign } from './preview';
import { campaignReport } from './report';

/** Campaigns are shop-wide: only admins and operators (who have no store scope) may see or change them. */
export function registerCampaignRoutes(api: ApiRouter, context: ServerContext): void {
  const operators = [staffAuth(context.database, context.clock), requireRole('admin', 'operator')];
  const common = { tags: ['campaigns', 'staff'], security: ['staff'], middleware: operators };
  api.add({
    ...common,
    method: 'get',
    path: '/admin/campaigns',
    summary: 'List campaigns, newest first',
    query: CampaignListQuery,
    response: CampaignListResponse,
    errors: [401, 403],
    handler: ({ query }) => listCampaigns(context, query),
  });
  api.add({
    ...common,
    method: 'post',
    path: '/admin/campaigns',
    summary: 'Create a campaign (as a draft)',
    description:
      'Refused with 400 naming the field when it cannot work: unknown template, empty or invalid data mapping, coupon out of stock.',
    body: CampaignInput,
    response: CampaignView,
    status: 201,
    errors: [401, 403],
    handler: ({ body }, ctx) => createCampaign(context, body, currentStaff(ctx).id),
  });
  api.add({
    ...common,
    method: 'get',
    path: '/admin/campaigns/:id',
    summary: 'One campaign with its steps',
    params: CampaignIdParams,
    response: CampaignView,
    errors: [401, 403, 404],
    handler: ({ params }) => getCampaign(context, params.id),
  });
  api.add({
    ...common,
    method: 'put',
    path: '/admin/campaigns/:id',
    summary: 'Replace a campaign’s definition (not while running; finished campaigns are frozen)',
    params: CampaignIdParams,
    body: CampaignInput,
    response: CampaignView,
    errors: [401, 403, 404, 409],
    handler: ({ params, body }) => updateCampaign(context, params.id, body),
  });
  api.add({
    ...common,
    method: 'delete',
    path: '/admin/campaigns/:id',
    summary: 'Delete a draft that never ran',
    params: CampaignIdParams,
    response: CampaignDeleteResponse,
    errors: [401, 403, 404, 409],
    handler: ({ params }) => deleteCampaign(context, params.id),
  });
  api.add({
    ...common,
    method: 'post',
    path: '/admin/campaigns/:id/transition',
    summary: 'Schedule, start, pause, resume or finish a campaign',
    params: CampaignIdParams,
    body: CampaignTransitionRequest,
    response: CampaignView,
    errors: [401, 403, 404, 409],
    handler: ({ params, body }) => transitionCampaign(context, params.id, body.action),
  });
  api.add({
    ...common,
    method: 'post',
    path: '/admin/campaigns/:id/preview',
    summary: 'Dry run: audience, sample, holdout split and guard blocks, without sending',
    params: CampaignIdParams,
    response: CampaignPreviewResponse,
    errors: [401, 403, 404, 422],
    handler: ({ params }) => previewCampaign(context, params.id),
  });
  api.add({
    ...common,
    method: 'get',
    path: '/admin/campaigns/:id/report',
    summary: 'Results: deliveries by outcome, coupons, attributed orders and uplift against the holdout',
    params: CampaignIdParams,
    response: CampaignReportResponse,
    errors: [401, 403, 404],
    handler: ({ params }) => campaignReport(context, params.id),
  });
}
