import { z } from 'zod';
import { PageQuery, text } from './common';

/** Ids in paths arrive as strings. */
const IdParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const OrderIdParams = z.object({ id: IdParam });

export const ORDER_STATUS_CODES = [
  'pending',
  'paid',
  'cancelled',
  'expired',
  'refunding',
  'refunded',
  'partially_refunded',
] as const;
export const OrderStatus = z.enum(ORDER_STATUS_CODES);

const mobilePhone = z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number of 11 digits');

export const OrderAddressInput = z
  .object({
    name: text(40),
    phone: mobilePhone,
    province: text(40),
    city: text(40),
    district: text(40),
    detail: text(200),
    postalCode: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .optional(),
  })
  .meta({ id: 'OrderAddress' });

/** The address as shown back: the recipient's phone masked (the full number is stored encrypted). */
export const OrderAddressView = OrderAddressInput.omit({ phone: true })
  .extend({ phoneMasked: z.string() })
  .meta({ id: 'OrderAddressView' });

export const CreateOrderRequest = z
  .object({
    items: z
      .array(
        z.object({
          skuId: IdParam,
          quantity: z.number().int().min(1).max(99),
        }),
      )
      .min(1)
      .max(50)
      .refine((items) => new Set(items.map((item) => item.skuId)).size === items.length, 'each SKU at most once'),
    couponId: IdParam.optional(),
    pointsToUse: z.number().int().min(0).max(100_000_000).optional(),
    address: OrderAddressInput,
    /** A key the client keeps while retrying the same "place order" tap; the same key returns the same order. */
    clientOrderKey: z
      .string()
      .regex(/^[\w-]{8,64}$/, '8-64 letters, digits, _ or -')
      .optional(),
  })
  .meta({ id: 'CreateOrderRequest' });
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

export const OrderItemView = z.object({
  id: z.number().int(),
  skuId: z.number().int(),
  productId: z.number().int(),
  title: z.string(),
  unitPriceFen: z.number().int(),
  quantity: z.number().int(),
  lineTotalFen: z.number().int(),
  discountAllocFen: z.number().int(),
  refundedQuantity: z.number().int(),
  refundedFen: z.number().int(),
});

export const RefundView = z.object({
  id: z.number().int(),
  outRefundNo: z.string(),
  amountFen: z.number().int(),
  status: z.enum(['pending', 'processing', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  pointsClawedBack: z.number().int(),
  createdAt: z.iso.datetime(),
  succeededAt: z.iso.datetime().nullable(),
});

export const OrderView = z
  .object({
    id: z.number().int(),
    orderNo: z.string(),
    status: OrderStatus,
    itemsTotalFen: z.number().int(),
    couponDiscountFen: z.number().int(),
    couponId: z.number().int().nullable(),
    pointsUsed: z.number().int(),
    pointsDiscountFen: z.number().int(),
    shippingFen: z.number().int(),
    payableFen: z.number().int(),
    paidFen: z.number().int(),
    refundedFen: z.number().int(),
    address: OrderAddressView.nullable(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    paidAt: z.iso.datetime().nullable(),
    items: z.array(OrderItemView),
    refunds: z.array(RefundView),
  })
  .meta({ id: 'Order' });
export type OrderView = z.infer<typeof OrderView>;

/**
 * Opaque position in a member's own list (the id of the last row of the page before). A cursor reads the next
 * page by index, at the same cost however deep; `page` still works for the first pages.
 */
export const ListCursor = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, '应为上一页返回的 nextCursor')
  .describe('The nextCursor of the previous page; when given, page is ignored');

export const OrderListQuery = PageQuery.extend({ status: OrderStatus.optional(), cursor: ListCursor.optional() });

export const OrderSummaryView = OrderView.omit({ items: true, refunds: true, address: true }).extend({
  itemCount: z.number().int(),
  refundedOrRefunding: z.boolean(),
});

export const OrderListResponse = z
  .object({
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    orders: z.array(OrderSummaryView),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'OrderList' });

/** What the mini-program passes to `wx.requestPayment`; `paid` is true when nothing was left to pay. */
export const PayOrderResponse = z
  .object({
    orderId: z.number().int(),
    status: OrderStatus,
    paid: z.boolean(),
    requestPayment: z
      .object({
        timeStamp: z.string(),
        nonceStr: z.string(),
        package: z.string(),
        signType: z.literal('RSA'),
        paySign: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'PayOrderResponse' });

export const StaffRefundRequest = z
  .object({
    amountFen: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    reason: text(80),
    items: z
      .array(z.object({ orderItemId: IdParam, quantity: z.number().int().min(1).max(99) }))
      .min(1)
      .max(50)
      .refine((items) => new Set(items.map((item) => item.orderItemId)).size === items.length, 'each line at most once')
      .optional(),
  })
  .meta({ id: 'StaffRefundRequest' });
export type StaffRefundRequest = z.infer<typeof StaffRefundRequest>;

export const StaffRefundResponse = RefundView.extend({ orderId: z.number().int() }).meta({ id: 'StaffRefund' });

/** WeChat Pay reads this shape on a failed notification and delivers it again. */
export const PayNotifyFailure = z.object({ code: z.literal('FAIL'), message: z.string() });
