import Taro from '@tarojs/taro';
import {
  MeResponse,
  PrivacyConsentResponse,
  StaffLoginResponse,
  type StaffProfile,
  WechatLoginResponse,
} from '@member-ops/shared';
import { apiRequest, installSessionHooks } from './http';
import { newClientId } from './ids';
import { STORAGE_KEYS, readStored, removeStored, writeStored } from './storage';

/**
 * A login code: wx.login on WeChat; in the h5 build, a sandbox code for a shopper remembered on this device
 * (`sandbox-<name>`, then `sandbox-<name>.<n>` since each exact code works once).
 */
async function loginCode(): Promise<string> {
  if (process.env.TARO_ENV === 'weapp') return (await Taro.login()).code;
  let shopper = readStored<string>(STORAGE_KEYS.sandboxShopper, '');
  if (!shopper) {
    shopper = `h5${newClientId('')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(-12)}`;
    writeStored(STORAGE_KEYS.sandboxShopper, shopper);
  }
  const logins = readStored<number>(STORAGE_KEYS.sandboxLogins, 0) + 1;
  writeStored(STORAGE_KEYS.sandboxLogins, logins);
  return logins === 1 ? `sandbox-${shopper}` : `sandbox-${shopper}.${logins}`;
}

/** Where the shopper came from: a store's QR code carries `store` (h5: in the page URL; WeChat: the launch query). */
function loginSource(): { channel: string; storeId?: number } {
  const raw =
    process.env.TARO_ENV === 'h5'
      ? new URLSearchParams(window.location.search).get('store')
      : (Taro.getLaunchOptionsSync().query as Record<string, string | undefined>).store;
  const storeId = Number(raw);
  const channel = process.env.TARO_ENV === 'h5' ? 'h5' : 'mini_program';
  return Number.isSafeInteger(storeId) && storeId > 0 ? { channel: 'qr_store', storeId } : { channel };
}

let loginInFlight: Promise<boolean> | undefined;

/** Signs the shopper in (once at a time, however many requests hit a 401 together). */
export function signInMember(): Promise<boolean> {
  if (loginInFlight) return loginInFlight;
  const run = (async () => {
    const code = await loginCode();
    const result = await apiRequest({
      method: 'POST',
      path: '/api/auth/wechat',
      body: { code, source: loginSource() },
      auth: 'none',
      schema: WechatLoginResponse,
    });
    writeStored(STORAGE_KEYS.memberToken, result.token);
    return true;
  })();
  loginInFlight = run;
  void run
    .finally(() => {
      if (loginInFlight === run) loginInFlight = undefined;
    })
    .catch(() => undefined);
  return run;
}

/** A token for the shopper, signing in first when there is none. */
export async function ensureMemberSession(): Promise<void> {
  if (!readStored<string>(STORAGE_KEYS.memberToken, '')) await signInMember();
}

installSessionHooks({
  token: (auth) => readStored<string>(auth === 'member' ? STORAGE_KEYS.memberToken : STORAGE_KEYS.staffToken, '') || undefined,
  renew: async (auth) => {
    if (auth === 'member') {
      removeStored(STORAGE_KEYS.memberToken);
      return signInMember();
    }
    removeStored(STORAGE_KEYS.staffToken);
    removeStored(STORAGE_KEYS.staffProfile);
    void Taro.redirectTo({ url: '/staff/pages/login/index' });
    return false;
  },
});

export async function loadMe(): Promise<MeResponse> {
  await ensureMemberSession();
  return apiRequest({ path: '/api/me', schema: MeResponse });
}

export function hasPrivacyConsent(): boolean {
  return readStored<string>(STORAGE_KEYS.privacyConsent, '') !== '';
}

/** Drops the device's record of consent, so nothing is tracked and the notice shows again. */
export function forgetPrivacyConsent(): void {
  removeStored(STORAGE_KEYS.privacyConsent);
}

/** The server is the authority: a membership without consent there (a new one, or erased) has none on the device. */
export function syncPrivacyConsent(me: Pick<MeResponse, 'privacyConsentAt'>): void {
  if (me.privacyConsentAt) writeStored(STORAGE_KEYS.privacyConsent, me.privacyConsentAt);
  else forgetPrivacyConsent();
}

/** After an erasure: everything this membership left on the device goes (session, consent, queue, cart, addresses). */
export function forgetMembership(): void {
  for (const key of [
    STORAGE_KEYS.memberToken,
    STORAGE_KEYS.privacyConsent,
    STORAGE_KEYS.trackingQueue,
    STORAGE_KEYS.cart,
    STORAGE_KEYS.address,
    STORAGE_KEYS.favorites,
    STORAGE_KEYS.checkout,
  ]) {
    removeStored(key);
  }
}

/** Records the shopper's consent on the server and on the device; tracking starts only after this. */
export async function givePrivacyConsent(): Promise<void> {
  await ensureMemberSession();
  const result = await apiRequest({ method: 'POST', path: '/api/me/privacy-consent', body: {}, schema: PrivacyConsentResponse });
  writeStored(STORAGE_KEYS.privacyConsent, result.privacyConsentAt);
}

export async function staffSignIn(username: string, password: string): Promise<StaffProfile> {
  const result = await apiRequest({
    method: 'POST',
    path: '/api/staff/login',
    body: { username, password },
    auth: 'none',
    schema: StaffLoginResponse,
  });
  writeStored(STORAGE_KEYS.staffToken, result.token);
  writeStored(STORAGE_KEYS.staffProfile, result.staff);
  return result.staff;
}

export function currentStaff(): StaffProfile | undefined {
  const profile = readStored<StaffProfile | ''>(STORAGE_KEYS.staffProfile, '');
  return profile === '' ? undefined : profile;
}

export function staffSignOut(): void {
  removeStored(STORAGE_KEYS.staffToken);
  removeStored(STORAGE_KEYS.staffProfile);
}
