import type { ApiRouter } from '../http/api-router';
import type { ServerContext } from '../server';
import { registerAdminRoutes } from './admin';
import { registerAuthRoutes } from './auth';
import { registerCampaignRoutes } from './campaigns';
import { registerCatalogRoutes } from './catalog';
import { registerConsentRoutes } from './consent';
import { registerCouponRoutes } from './coupons';
import { registerEventsRoutes } from './events';
import { registerInStoreRoutes } from './instore';
import { registerMeRoutes } from './me';
import { registerOrderRoutes } from './orders';
import { registerPaymentRoutes } from './payments';
import { registerPointsRoutes } from './points';
import { registerPrivacyRoutes } from './privacy';
import { registerRepsRoutes } from './reps';
import { registerSegmentationRoutes } from './segmentation';
import { registerStaffLoginRoutes } from './staff';

/** Every feature module's routes, mounted under /api. Each module's index.ts exports its register function. */
export function registerModules(api: ApiRouter, context: ServerContext): void {
  registerAuthRoutes(api, context);
  registerMeRoutes(api, context);
  registerPrivacyRoutes(api, context);
  registerEventsRoutes(api, context);
  registerConsentRoutes(api, context);
  registerStaffLoginRoutes(api, context);
  registerCatalogRoutes(api, context);
  registerCouponRoutes(api, context);
  registerInStoreRoutes(api, context);
  registerOrderRoutes(api, context);
  registerPaymentRoutes(api, context);
  registerPointsRoutes(api, context);
  registerSegmentationRoutes(api, context);
  registerCampaignRoutes(api, context);
  registerRepsRoutes(api, context);
  registerAdminRoutes(api, context);
}
