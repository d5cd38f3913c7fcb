import Taro from '@tarojs/taro';
import { z } from 'zod';
import type { OrderView } from '@member-ops/shared';
import { ApiError } from './errors';
import { apiRequest } from './http';
import { shopApi } from './shop-api';

/** The sandbox's answer when it completes a payment the way WeChat Pay would. */
const SandboxPayment = z.object({ out_trade_no: z.string(), trade_state: z.string() });

/**
 * Pays an order: prepay on the server, then `wx.requestPayment` on WeChat. The h5 build has no WeChat Pay, so it
 * confirms through the local sandbox, which sends the server the same signed notification. Resolves with the
 * order once the server has recorded the payment.
 */
export async function payOrder(order: OrderView): Promise<OrderView> {
  const prepay = await shopApi.pay(order.id);
  if (!prepay.paid) {
    if (process.env.TARO_ENV === 'weapp') {
      if (!prepay.requestPayment) throw new ApiError(500, 'PAY_PARAMS', '支付参数缺失，请稍后再试');
      await Taro.requestPayment({ ...prepay.requestPayment });
    } else {
      await apiRequest({
        method: 'POST',
        path: `/sandbox/pay/${order.orderNo}/complete`,
        body: {},
        auth: 'none',
        schema: SandboxPayment,
      });
    }
  }
  // The notification usually lands before requestPayment returns; poll briefly for the slow case.
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const current = await shopApi.order(order.id);
    if (current.status !== 'pending') return current;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return shopApi.order(order.id);
}
