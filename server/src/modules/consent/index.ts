export { registerConsentRoutes } from './consent.routes';
