export { DEFAULT_SIGN_IN_RATE_LIMIT, registerAuthRoutes, type AuthRouteOptions } from './auth.routes';
