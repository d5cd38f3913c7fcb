export { registerEventsRoutes, type EventsRouteOptions } from './events.routes';
export { DEFAULT_EVENTS_RATE_LIMIT, type RateLimit } from './rate-limit';
