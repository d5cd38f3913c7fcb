export { registerAdminRoutes } from './admin.routes';
export { maskedPhone, memberScope } from './member-scope';
