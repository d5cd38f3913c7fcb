export { createSandbox, DEFAULT_SANDBOX_PREFIX, sandboxAdapterOptions, type SandboxOptions } from './sandbox';
export { generateSandboxKeys, loadOrCreateSandboxKeys, type SandboxKeyPair, type SandboxKeys } from './keys';
export type { NotificationAttempt, NotificationRecord } from './notifier';
export type { SentSubscribeMessage } from './mini-program-routes';
