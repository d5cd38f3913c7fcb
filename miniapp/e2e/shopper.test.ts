import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditOpeningPoints } from '../../server/src/modules/payments/checkout.fixtures';
import { type Phone, launchPhone } from './phone';
import { query, startShopServer } from './shop-server';

const SUITE = 'shopper';
const OPENING_POINTS = 2_000;
let server: Awaited<ReturnType<typeof startShopServer>>;
let phone: Phone;
let memberId = 0;

const tab = (label: string) => phone.page.locator('.weui-tabbar__item').filter({ hasText: label }).click();
const visible = (text: string) => phone.visible(text);
const visibleTestId = (id: string) => phone.visibleTestId(id);
const memberRow = async () =>
  (
    await query<{ points: number; tier: string; phone_tail: string | null }>(
      server,
      sql`select coalesce(mm.points_balance, 0)::int as points, m.tier, m.phone_tail
        from members m left join member_metrics mm on mm.member_id = m.id where m.id = ${memberId}`,
    )
  )[0];

beforeAll(async () => {
  server = await startShopServer();
  phone = await launchPhone(server.url, SUITE);
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

describe('a new shopper in the h5 shop', () => {
  it('is asked for privacy consent first; the consent is recorded and the store QR code remembered', async () => {
    await phone.open('pages/index/index', `?store=${server.storeIds.SH01}`);
    await phone.page.getByText('用户隐私保护提示').waitFor();
    await phone.shot('01-privacy-consent');
    const shopper = await phone.stored<string>('sandbox.shopper');
    expect(shopper).toMatch(/^h5/);
    const [before] = await query<{ id: number; privacy_consent_at: Date | null; store_id: number }>(
      server,
      sql`select id, privacy_consent_at, store_id from members where openid = ${`o_sandbox_${shopper}`}`,
    );
    expect(before?.privacy_consent_at).toBeNull();
    expect(Number(before?.store_id)).toBe(server.storeIds.SH01);
    memberId = Number(before?.id);

    await visible('同意并继续').click();
    await phone.page.getByText('用户隐私保护提示').waitFor({ state: 'detached' });
    const [after] = await query<{ privacy_consent_at: Date | null }>(
      server,
      sql`select privacy_consent_at from members where id = ${memberId}`,
    );
    expect(after?.privacy_consent_at).toBeInstanceOf(Date);
    await visibleTestId('product-card').first().waitFor();
    await phone.shot('02-home');
  });

  it('claims coupons in the claim centre', async () => {
    await visible('领券中心').click();
    await visibleTestId('coupon').first().waitFor();
    for (const name of ['全场满199减30', '新人专享 满99减20']) {
      const coupon = visibleTestId('coupon').filter({ hasText: name });
      const claimed = phone.page.waitForResponse((response) => /\/api\/coupons\/\d+\/claim$/.test(response.url()));
      await coupon.locator('[data-testid="claim-button"]').click();
      expect((await claimed).status()).toBe(201);
    }
    await phone.shot('03-claim-centre');
    const claimed = await query<{ n: number }>(server, sql`select count(*)::int as n from coupons where member_id = ${memberId}`);
    expect(claimed[0]?.n).toBe(2);
    await phone.page.goBack();
  });

  it('searches, opens a product, picks its SKU and adds it to the cart', async () => {
    await visible('搜索商品、品牌').click();
    await phone.fill('search-input', '大红袍');
    await phone.page.keyboard.press('Enter');
    const result = visibleTestId('product-card').filter({ hasText: '陈年大红袍' });
    await result.first().waitFor();
    await phone.shot('04-search');
    await result.first().click();
    await visibleTestId('product-price').waitFor();
    await expect.poll(() => visibleTestId('product-price').textContent()).toBe('¥199.00');
    await phone.shot('05-product');
    await visible('加入购物车').click();
    await expect.poll(async () => (await phone.stored<{ quantity: number }[]>('cart.lines'))?.length).toBe(1);
  });

  it('browses a category', async () => {
    await phone.open('pages/category/index');
    await visibleTestId('category-product').first().waitFor();
    await phone.page.locator('.category__nav-item').filter({ hasText: '咖啡' }).click();
    await visibleTestId('category-product').filter({ hasText: '咖啡' }).first().waitFor();
    await phone.shot('06-category');
  });

  it('checks out with the best coupon and points, pays in the sandbox, and earns points', async () => {
    await creditOpeningPoints(server, memberId, OPENING_POINTS);
    await tab('购物车');
    await visibleTestId('cart-line').first().waitFor();
    expect(await visibleTestId('cart-total').textContent()).toBe('¥199.00');
    await phone.shot('07-cart');
    await visible('去结算').click();

    await visibleTestId('checkout-coupon').first().waitFor();
    const address = {
      name: '林小满',
      phone: '13800138000',
      province: '上海市',
      city: '上海市',
      district: '静安区',
      detail: '南京西路1088号',
    };
    for (const [field, value] of Object.entries(address)) await phone.fill(`address-${field}`, value);
    // The suggested coupon is the larger discount the order qualifies for.
    await expect.poll(() => phone.page.locator('.checkout__coupon--on').textContent()).toContain('全场满199减30');
    await visibleTestId('use-points').click();
    await expect.poll(() => visibleTestId('checkout-payable').textContent()).toBe('¥149.00');
    await phone.shot('08-checkout');
    await visible('提交订单并支付').click();

    await expect.poll(() => visibleTestId('pay-result-title').textContent(), { timeout: 30_000 }).toBe('支付成功');
    await expect.poll(() => visibleTestId('points-earned').textContent()).toBe('+149');
    expect(await visibleTestId('pay-result-amount').textContent()).toBe('¥149.00');
    await phone.shot('09-pay-result');

    // Subscribe-message opt-in on a tap: the answer reaches the server as one send credit per template.
    await visible('订阅').click();
    await phone.page.locator('.taro-modal__foot').getByText('允许').click();
    await visible('已订阅提醒').waitFor();
    const [credits] = await query<{ templates: number; credits: number }>(
      server,
      sql`select count(*)::int as templates, coalesce(sum(credits), 0)::int as credits from subscription_credits where member_id = ${memberId}`,
    );
    expect(credits?.templates).toBeGreaterThan(0);
    expect(credits?.credits).toBe(credits?.templates);

    const [order] = await query<{ status: string; paid_fen: number; points_used: number; coupon_discount_fen: number }>(
      server,
      sql`select status, paid_fen, points_used, coupon_discount_fen from orders where member_id = ${memberId}`,
    );
    expect(order).toMatchObject({ status: 'paid', paid_fen: 14_900, points_used: 2_000, coupon_discount_fen: 3_000 });
    expect((await memberRow())?.points).toBe(149);
    expect(await phone.stored('cart.lines')).toEqual([]);
  });

  it('sees the new points and the tier card in the member centre', async () => {
    await visible('会员中心').click();
    await expect.poll(() => visibleTestId('member-points').textContent()).toBe('149');
    expect(await visibleTestId('member-tier').textContent()).toBe('普通会员');
    expect(await visibleTestId('member-upgrade-hint').textContent()).toMatch(
      /^再消费¥851\.00（\d{4}-\d{2}-\d{2}前）即可升级银卡会员$/,
    );
    await phone.shot('10-member-centre');
    await visible('会员码').click();
    await visibleTestId('qr').waitFor();
    await phone.shot('11-member-code');
    await visible('关闭').click();
  });

  it('reads the orders, points, wallet and profile pages, and binds a phone number', async () => {
    await visible('我的订单').click();
    await visibleTestId('order-card').first().waitFor();
    await phone.shot('12-orders');
    await visibleTestId('order-card').first().click();
    await phone.page.getByText('订单号').filter({ visible: true }).waitFor();
    await phone.shot('13-order-detail');

    await phone.open('shop/pages/points/index');
    await expect.poll(() => visibleTestId('points-balance').textContent()).toBe('149');
    await phone.shot('14-points');
    await visibleTestId('sign-in').click();
    await expect.poll(() => visibleTestId('points-balance').textContent()).toBe('154');

    await phone.open('shop/pages/coupons/index');
    await visibleTestId('coupon').first().waitFor();
    await phone.shot('15-coupons');

    await phone.open('shop/pages/profile/index');
    await phone.fill('profile-phone-input', '13800138000');
    await visibleTestId('profile-phone-bind').click();
    await expect.poll(() => visibleTestId('profile-phone').textContent()).toBe('138****8000');
    await phone.shot('16-profile');
    expect((await memberRow())?.phone_tail).toBe('8000');
  });
});
