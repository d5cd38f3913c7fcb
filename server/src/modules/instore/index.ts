/** In-store service: member QR codes, staff lookup and member card, till purchases that earn points. */
export { registerInStoreRoutes } from './instore.routes';
export { issueMemberCode, memberCodeKey, readMemberCode } from './member-code';
