/**
 * Who a demo member is (profile columns) and how they behave (hidden traits that drive the simulation):
 * buyers follow a BG/NBD-like process — a personal purchase rate and a chance to go quiet after each purchase.
 */
import { daysInMonth, shanghaiParts } from '@member-ops/shared';
import type { Gender } from '@member-ops/shared';
import type { members } from '../../../server/src/db/schema';
import { encryptPhone, phoneHash, phoneTail } from '../../../server/src/security/phone-crypto';
import type { SeededStore, ShopContext } from './context';
import { DEMO_CATEGORIES } from './data/catalog-data';
import { NICKNAME_SUFFIXES, NICKNAMES, PROVINCES } from './data/people-data';
import type { SeededRandom } from './random';

export type ShopperKind = 'buyer' | 'browser' | 'dormant';
export type SourceChannel = 'scene' | 'share' | 'store_qr';

export interface MemberProfile {
  id: number;
  registeredAt: Date;
  kind: ShopperKind;
  store: SeededStore | null;
  province: string;
  sourceChannel: SourceChannel;
  /** Categories this member mostly buys and looks at (1 or 2). */
  favouriteCategories: string[];
  /** 0 cheap … 2 premium, within a category. */
  priceLevel: number;
  /** Purchases per year on an ordinary day while still a customer. */
  purchasesPerYear: number;
  /** Chance of going quiet for good after each purchase. */
  dropoutAfterPurchase: number;
  /** Days from registration to the first purchase. */
  firstPurchaseDelayDays: number;
  /** Share of purchases made at the store till. */
  inStoreShare: number;
  couponAffinity: number;
  pointsAffinity: number;
  signsIn: boolean;
  /** Browsing sessions without a purchase, per purchase. */
  browsePerPurchase: number;
  /** A company buyer (企业团购): frequent, premium and in bulk — the few who reach the top tier. */
  corporate: boolean;
  /** Multiplies the quantity of every order line. */
  bulkFactor: number;
  row: typeof members.$inferInsert;
}

/** Share of members who buy at some point (if their first purchase falls before `now`). */
const BUYER_SHARE = 0.8;

/** Busier stores hand out more QR codes. */
const STORE_QR_WEIGHTS = [0.45, 0.3, 0.25];

const SCENES: Record<SourceChannel, readonly string[]> = {
  scene: ['1001', '1089', '1005', '1037'],
  share: ['1007', '1008'],
  store_qr: ['1047', '1048'],
};

/** A mainland mobile number (11 digits, real carrier prefixes) not yet used in this shop. */
function mobileNumber(rng: SeededRandom, used: Set<string>): string {
  const prefixes = [
    '130',
    '131',
    '132',
    '135',
    '136',
    '137',
    '138',
    '139',
    '150',
    '151',
    '152',
    '155',
    '156',
    '157',
    '158',
    '159',
    '166',
    '176',
    '177',
    '180',
    '181',
    '182',
    '185',
    '186',
    '187',
    '188',
    '189',
    '191',
    '198',
    '199',
  ];
  for (;;) {
    const phone = `${rng.pick(prefixes)}${rng.chars('0123456789', 8)}`;
    if (!used.has(phone)) {
      used.add(phone);
      return phone;
    }
  }
}

function birthday(rng: SeededRandom, now: Date): string {
  const age = Math.min(62, Math.max(18, Math.round(32 + 8 * rng.normal())));
  const year = shanghaiParts(now).year - age;
  const month = rng.int(1, 12);
  const day = rng.int(1, daysInMonth(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function nickname(rng: SeededRandom): string {
  const base = rng.pick(NICKNAMES) + rng.pick(NICKNAME_SUFFIXES);
  return rng.chance(0.15) ? `${base}${rng.int(1, 999)}` : base;
}

function favouriteCategories(rng: SeededRandom): string[] {
  const codes = DEMO_CATEGORIES.map((c) => c.code);
  const weights = DEMO_CATEGORIES.map((c) => c.popularity);
  const first = rng.weighted(codes, weights);
  if (rng.chance(0.55)) return [first];
  const rest = codes.filter((c) => c !== first);
  return [
    first,
    rng.weighted(
      rest,
      rest.map((c) => weights[codes.indexOf(c)] ?? 1),
    ),
  ];
}

function firstPurchaseDelayDays(rng: SeededRandom): number {
  const roll = rng.next();
  if (roll < 0.45) return rng.uniform(0, 3);
  if (roll < 0.75) return rng.uniform(3, 30);
  return 30 + rng.exponential(90);
}

/**
 * Draws member `id`, registered at `registeredAt`. Ids follow registration order, so an inviter is always an
 * earlier id.
 */
export function createProfile(context: ShopContext, rng: SeededRandom, id: number, registeredAt: Date): MemberProfile {
  const sourceChannel = rng.weighted<SourceChannel>(['scene', 'share', 'store_qr'], [0.45, 0.25, 0.3]);
  let store: SeededStore | null =
    sourceChannel === 'store_qr'
      ? rng.weighted(
          context.stores,
          context.stores.map((_, i) => STORE_QR_WEIGHTS[i] ?? 0.2),
        )
      : null;
  const province =
    store && rng.chance(0.85)
      ? rng.pick(store.spec.provinces)
      : rng.weighted(
          PROVINCES.map((p) => p.name),
          PROVINCES.map((p) => p.weight),
        );
  if (!store && rng.chance(0.6)) store = context.stores.find((s) => s.spec.provinces.includes(province)) ?? null;
  const kindRoll = rng.next();
  const kind: ShopperKind =
    kindRoll < BUYER_SHARE ? 'buyer' : kindRoll < BUYER_SHARE + (1 - BUYER_SHARE) * 0.6 ? 'browser' : 'dormant';
  const corporate = kind === 'buyer' && rng.chance(0.006);
  const superFan = !corporate && rng.chance(0.03);
  const hasPhone = rng.chance(kind === 'buyer' ? 0.68 : 0.4);
  const phone = hasPhone ? mobileNumber(rng, context.usedPhones) : null;
  const hasNickname = rng.chance(0.75);
  const gender = rng.weighted<Gender>(['female', 'male', 'unknown'], [0.58, 0.3, 0.12]);
  return {
    id,
    registeredAt,
    kind,
    store,
    province,
    sourceChannel,
    favouriteCategories: corporate ? ['tea', rng.pick(['coffee', 'snacks', 'home'])] : favouriteCategories(rng),
    priceLevel: corporate ? 2 : rng.weightedIndex([0.35, 0.45, 0.2]),
    purchasesPerYear: corporate ? rng.uniform(8, 18) : Math.min(50, (rng.gamma(0.9, 3.2) + 0.3) * (superFan ? 3 : 1)),
    dropoutAfterPurchase: corporate ? rng.beta(1, 25) : superFan ? rng.beta(1, 12) : rng.beta(1.1, 2.6),
    firstPurchaseDelayDays: firstPurchaseDelayDays(rng),
    inStoreShare: sourceChannel === 'store_qr' ? 0.4 : store ? 0.12 : 0,
    couponAffinity: rng.uniform(0.3, 0.95),
    pointsAffinity: rng.uniform(0, 0.6),
    signsIn: rng.chance(kind === 'buyer' ? 0.22 : kind === 'browser' ? 0.08 : 0),
    browsePerPurchase: rng.uniform(0.3, 1.5),
    corporate,
    bulkFactor: corporate ? rng.int(3, 8) : 1,
    row: {
      id,
      openid: `o_demo_${id}`,
      phoneCipher: phone ? encryptPhone(phone, context.phoneKeys) : null,
      phoneHash: phone ? phoneHash(phone, context.phoneKeys) : null,
      phoneTail: phone ? phoneTail(phone) : null,
      nickname: hasNickname ? nickname(rng) : null,
      avatarUrl: hasNickname && rng.chance(0.8) ? `/static/avatars/${rng.int(1, 24)}.svg` : null,
      gender,
      birthday: rng.chance(0.5) ? birthday(rng, context.now) : null,
      region: province,
      storeId: store?.id ?? null,
      sourceChannel,
      sourceScene: rng.pick(SCENES[sourceChannel]),
      inviterMemberId: sourceChannel === 'share' && id > 1 && rng.chance(0.5) ? rng.int(1, id - 1) : null,
      registeredAt,
      privacyConsentAt: registeredAt,
      doNotContact: rng.chance(0.02),
    },
  };
}
