import Taro from '@tarojs/taro';

/** Keys of everything the mini-program keeps on the device. */
export const STORAGE_KEYS = {
  memberToken: 'member.token',
  staffToken: 'staff.token',
  staffProfile: 'staff.profile',
  sandboxShopper: 'sandbox.shopper',
  sandboxLogins: 'sandbox.logins',
  privacyConsent: 'privacy.consentAt',
  trackingQueue: 'tracking.queue',
  cart: 'cart.lines',
  address: 'checkout.address',
  favorites: 'favorites',
  checkout: 'checkout.lines',
} as const;

export function readStored<T>(key: string, fallback: T): T {
  const raw: unknown = Taro.getStorageSync(key);
  if (raw === '' || raw === undefined || raw === null) return fallback;
  return raw as T;
}

export function writeStored(key: string, value: unknown): void {
  Taro.setStorageSync(key, value);
}

export function removeStored(key: string): void {
  Taro.removeStorageSync(key);
}
