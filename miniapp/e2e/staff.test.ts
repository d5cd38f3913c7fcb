import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn } from '../../server/src/modules/auth/auth.testing';
import { type Phone, launchPhone } from './phone';
import { query, startShopServer } from './shop-server';

const SUITE = 'staff';
let server: Awaited<ReturnType<typeof startShopServer>>;
let phone: Phone;
let memberId = 0;
let couponCode = '';

const visible = (text: string) => phone.visible(text);
const visibleTestId = (id: string) => phone.visibleTestId(id);

beforeAll(async () => {
  server = await startShopServer();
  // A shopper who signed up through the 上海静安店 QR code, bound a phone and claimed a coupon.
  const login = await signIn(server.url, 'sandbox-walkin', { channel: 'qr_store', storeId: server.storeIds.SH01 });
  memberId = login.member.id;
  expect((await call(server.url, 'POST', '/api/me/phone', login.token, { code: 'phone-13912345678' })).status).toBe(200);
  const claimable = await call<{ items: { templateId: number; name: string }[] }>(
    server.url,
    'GET',
    '/api/coupons/claimable',
    login.token,
  );
  const template = claimable.body.items.find((item) => item.name === '新人专享 满99减20');
  const claimed = await call<{ coupon: { code: string } }>(
    server.url,
    'POST',
    `/api/coupons/${template?.templateId}/claim`,
    login.token,
    {},
  );
  expect(claimed.status).toBe(201);
  couponCode = claimed.body.coupon.code;
  phone = await launchPhone(server.url, SUITE);
});

afterAll(async () => {
  await phone?.close();
  await server?.stop();
});

describe('a store clerk at the counter', () => {
  it('logs in with the staff account', async () => {
    await phone.open('staff/pages/login/index');
    await phone.fill('staff-username', 'staff.sh');
    await phone.fill('staff-password', 'staff123456');
    await phone.shot('01-staff-login');
    await visibleTestId('staff-login').click();
    await visibleTestId('lookup-tail').waitFor();
  });

  it('looks the shopper up by phone tail and sees the member card, phone masked', async () => {
    await phone.fill('lookup-tail', '5678');
    await visibleTestId('lookup-submit').click();
    const result = visibleTestId('lookup-result').filter({ hasText: '139****5678' });
    await result.waitFor();
    await phone.shot('02-lookup');
    await result.click();
    await visibleTestId('staff-member-card').waitFor();
    expect(await visibleTestId('staff-member-card').textContent()).toContain('139****5678');
    expect(await phone.page.content()).not.toContain('13912345678');
    await visibleTestId('staff-coupon').first().waitFor();
    await phone.shot('03-member-card');
  });

  it('redeems the member’s coupon once', async () => {
    await visibleTestId('staff-coupon').filter({ hasText: '新人专享 满99减20' }).locator('[data-testid="staff-redeem"]').click();
    await visible('核销').last().waitFor();
    const redeemed = phone.page.waitForResponse((response) => response.url().includes('/api/staff/coupons/'));
    await phone.page.locator('.taro-modal__foot, .taro-modal__footer').getByText('核销').click();
    expect((await redeemed).status()).toBe(200);
    await expect.poll(() => visibleTestId('staff-coupon').count()).toBe(0);
    await phone.shot('04-after-redeem');
    const [coupon] = await query<{ status: string; redeemed_by_staff: number | null }>(
      server,
      sql`select status, redeemed_by_staff from coupons where code = ${couponCode}`,
    );
    expect(coupon?.status).toBe('used');
    expect(coupon?.redeemed_by_staff).not.toBeNull();
  });

  it('records an in-store purchase that earns points', async () => {
    await phone.fill('purchase-amount', '268.50');
    await visibleTestId('purchase-submit').click();
    await expect.poll(() => visibleTestId('staff-member-points').textContent()).toBe('268');
    await phone.shot('05-after-purchase');
    const orders = await query<{ channel: string; paid_fen: number }>(
      server,
      sql`select channel, paid_fen from orders where member_id = ${memberId} and status = 'paid'`,
    );
    expect(orders).toEqual([{ channel: 'pos', paid_fen: 26_850 }]);
  });
});

describe('a sales rep with a contact list', () => {
  it('sees their own members by tier, phone masked, and records a follow-up outcome', async () => {
    const [owned] = await query<{ n: number }>(
      server,
      sql`select count(*)::int as n from members m join staff_accounts s on s.id = m.owner_rep_id where s.username = 'sales.li'`,
    );
    expect(owned?.n, 'the demo shop gives sales.li members').toBeGreaterThan(0);
    await phone.page.evaluate(() => window.localStorage.clear());
    await phone.open('staff/pages/login/index');
    await phone.fill('staff-username', 'sales.li');
    await phone.fill('staff-password', 'sales123456');
    await visibleTestId('staff-login').click();
    const contact = visibleTestId('contact').first();
    await contact.waitFor();
    expect(await contact.textContent()).toMatch(/1\d{2}\*{4}\d{4}|未绑定手机/);
    await phone.shot('06-rep-contacts');
    await contact.getByText('记录跟进').click();
    await contact.getByText('未接通').click();
    const saved = phone.page.waitForResponse((response) => /\/api\/staff\/followups\/\d+$/.test(response.url()));
    await contact.getByText('保存').click();
    expect((await saved).status()).toBe(200);
    const outcomes = await query<{ status: string }>(
      server,
      sql`select f.status from followup_tasks f join staff_accounts s on s.id = f.rep_id where s.username = 'sales.li' and f.status = 'no_answer'`,
    );
    expect(outcomes.length).toBeGreaterThan(0);
  });
});
