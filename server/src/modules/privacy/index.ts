export { eraseMember, erasedOpenid, type EraseActor } from './erase.service';
export { exportMemberData } from './export.service';
export { registerPrivacyRoutes } from './privacy.routes';
