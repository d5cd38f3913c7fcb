import {
  BestCouponResponse,
  BrandListResponse,
  CategoryListResponse,
  ClaimableCouponsResponse,
  CouponClaimResponse,
  type CreateOrderRequest,
  EraseMemberResponse,
  MeResponse,
  MemberDataExport,
  OrderListResponse,
  OrderView,
  PayOrderResponse,
  PointsResponse,
  ProductDetail,
  ProductListResponse,
  type ProductSort,
  RecommendationResponse,
  SignInResponse,
  SubscriptionsResponse,
  type SubscriptionResultsRequest,
  type UpdateMeRequest,
  WalletResponse,
  type WalletStatus,
} from '@member-ops/shared';
import { apiRequest } from './http';
import { ensureMemberSession, syncPrivacyConsent } from './session';

/** Shopper endpoints, each typed by its shared contract. Catalogue reads need no sign-in. */
export const shopApi = {
  categories: () => apiRequest({ path: '/api/categories', auth: 'none', schema: CategoryListResponse }),
  brands: () => apiRequest({ path: '/api/brands', auth: 'none', schema: BrandListResponse }),
  products: (query: { category?: string; keyword?: string; sort?: ProductSort; page?: number; pageSize?: number }) =>
    apiRequest({ path: '/api/products', query, auth: 'none', schema: ProductListResponse }),
  product: (id: number) => apiRequest({ path: `/api/products/${id}`, auth: 'none', schema: ProductDetail }),

  async recommendations(limit = 10) {
    await ensureMemberSession();
    return apiRequest({ path: '/api/recommendations', query: { limit }, schema: RecommendationResponse });
  },
  async me() {
    await ensureMemberSession();
    const me = await apiRequest({ path: '/api/me', schema: MeResponse });
    syncPrivacyConsent(me);
    return me;
  },
  /** Everything the shop holds about the shopper (GET /api/me/export; a few times an hour). */
  exportMyData: () => apiRequest({ path: '/api/me/export', schema: MemberDataExport }),
  /** Erases the membership's personal data; cannot be undone. */
  eraseMe: () => apiRequest({ method: 'POST', path: '/api/me/erase', body: { confirm: true }, schema: EraseMemberResponse }),
  updateMe: (patch: UpdateMeRequest) => apiRequest({ method: 'PATCH', path: '/api/me', body: patch, schema: MeResponse }),
  points: (page = 1) => apiRequest({ path: '/api/me/points', query: { page, pageSize: 20 }, schema: PointsResponse }),
  signIn: () => apiRequest({ method: 'POST', path: '/api/me/sign-in', body: {}, schema: SignInResponse }),

  async claimable() {
    await ensureMemberSession();
    return apiRequest({ path: '/api/coupons/claimable', schema: ClaimableCouponsResponse });
  },
  claim: (templateId: number) =>
    apiRequest({ method: 'POST', path: `/api/coupons/${templateId}/claim`, body: {}, schema: CouponClaimResponse }),
  wallet: (status?: WalletStatus) =>
    apiRequest({ path: '/api/me/coupons', query: { status, pageSize: 50 }, schema: WalletResponse }),
  bestCoupon: (items: { skuId: number; quantity: number }[]) =>
    apiRequest({ method: 'POST', path: '/api/coupons/best', body: { items }, schema: BestCouponResponse }),

  createOrder: (order: CreateOrderRequest, options: { silent?: boolean } = {}) =>
    apiRequest({ method: 'POST', path: '/api/orders', body: order, schema: OrderView, ...options }),
  orders: (page = 1) => apiRequest({ path: '/api/orders', query: { page, pageSize: 20 }, schema: OrderListResponse }),
  order: (id: number) => apiRequest({ path: `/api/orders/${id}`, schema: OrderView }),
  pay: (id: number) => apiRequest({ method: 'POST', path: `/api/orders/${id}/pay`, body: {}, schema: PayOrderResponse }),

  subscriptions: () => apiRequest({ path: '/api/me/subscriptions', schema: SubscriptionsResponse, silent: true }),
  recordSubscriptions: (answer: SubscriptionResultsRequest) =>
    apiRequest({ method: 'POST', path: '/api/me/subscriptions', body: answer, schema: SubscriptionsResponse, silent: true }),
};
