import { sql, type SQL } from 'drizzle-orm';
import type { AuthStaff } from '../../http/auth';
import { decryptPhone, maskPhone, type PhoneKeys } from '../../security/phone-crypto';

/**
 * The members a staff account may see, as a predicate over `members` aliased `m`: admins and operators see
 * everyone, store staff their store's members, sales reps the members they own.
 */
export function memberScope(staff: AuthStaff): SQL {
  switch (staff.role) {
    case 'admin':
    case 'operator':
      return sql`true`;
    case 'store_staff':
      return staff.storeId === null ? sql`false` : sql`m.store_id = ${staff.storeId}`;
    case 'sales_rep':
      return sql`m.owner_rep_id = ${staff.id}`;
  }
}

/** "138****8000" from the stored cipher, or null when the member gave no phone. */
export function maskedPhone(cipher: string | null, keys: PhoneKeys): string | null {
  return cipher ? maskPhone(decryptPhone(cipher, keys)) : null;
}

/** The full number, for the audited views and for exports of a rep's own members. */
export function fullPhone(cipher: string | null, keys: PhoneKeys): string | null {
  return cipher ? decryptPhone(cipher, keys) : null;
}
