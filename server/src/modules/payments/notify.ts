import type { ServerContext } from '../../server';
import { PayVerificationError, type HeaderSource } from '../../wechat';
import { settleTransaction } from './payments.service';
import { settleRefund } from './refund-settlement';

export type NotifyAnswer = { ok: true; outcome: string } | { ok: false; message: string };

/**
 * Handles one WeChat Pay notification as received. A message that fails verification changes nothing and
 * is answered as a failure (WeChat delivers it again); a verified one is settled exactly once and
 * acknowledged, including repeats and refusals that were recorded.
 */
export async function handlePayNotification(
  context: ServerContext,
  headers: HeaderSource,
  rawBody: string,
): Promise<NotifyAnswer> {
  let event;
  try {
    event = context.wechat.pay.verifyAndDecryptNotification(headers, rawBody);
  } catch (error) {
    if (!(error instanceof PayVerificationError)) throw error;
    context.logger.warn({ reason: error.reason }, 'WeChat Pay notification rejected');
    return { ok: false, message: `verification failed: ${error.reason}` };
  }
  const outcome =
    event.kind === 'transaction'
      ? await settleTransaction(context, event.transaction)
      : await settleRefund(context, event.refund);
  context.logger.info({ notificationId: event.id, eventType: event.eventType, outcome }, 'WeChat Pay notification settled');
  return { ok: true, outcome };
}
