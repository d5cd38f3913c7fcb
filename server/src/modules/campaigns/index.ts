/** Campaigns: definitions and lifecycle, the scheduler that plans the outbox, the delivery worker, reports. */
export { registerCampaignRoutes } from './campaigns.routes';
export { planCampaigns, type PlanResult } from './planner';
export { drainOutbox, type DrainOptions, type DrainResult } from './worker';
export { campaignReport } from './report';
export { BUILTIN_CAMPAIGNS, installBuiltinCampaigns } from './builtins';
