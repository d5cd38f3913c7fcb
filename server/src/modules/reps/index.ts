export { registerRepsRoutes } from './reps.routes';
