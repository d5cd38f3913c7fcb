export { registerMeRoutes } from './me.routes';
export { loadProfile, loadTierConfig, type ProfileDeps } from './profile.service';
