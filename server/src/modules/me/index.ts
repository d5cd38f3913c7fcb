export { registerMeRoutes } from './me.routes';
export { loadTierConfig } from './profile.service';
