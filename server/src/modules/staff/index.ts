export { registerStaffLoginRoutes } from './staff.routes';
export { clearAccountThrottle, purgeSignInThrottles, signInLocksOf } from './sign-in-throttle';
