export { registerStaffLoginRoutes } from './staff.routes';
