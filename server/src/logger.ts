import pino, { type Logger } from 'pino';

/** Paths that must never reach a log line: tokens, keys, phone numbers, codes. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["wechatpay-signature"]',
  '*.phone',
  '*.phoneNumber',
  '*.purePhoneNumber',
  '*.password',
  '*.token',
  '*.access_token',
  '*.session_key',
  '*.secret',
  '*.apiV3Key',
  '*.privateKey',
  '*.code',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'member-ops' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
