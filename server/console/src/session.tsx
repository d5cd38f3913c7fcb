import type { StaffProfile, StaffRole } from '@member-ops/shared';
import { createContext, useContext } from 'react';

export interface Session {
  staff: StaffProfile;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** Which pages each role may open; the server enforces the same roles on every API route. */
export const PAGE_ROLES = {
  dashboard: ['admin', 'operator'],
  members: ['admin', 'operator', 'store_staff', 'sales_rep'],
  segments: ['admin', 'operator'],
  rules: ['admin', 'operator'],
  campaigns: ['admin', 'operator'],
  contacts: ['admin', 'operator', 'sales_rep'],
  followups: ['admin', 'operator', 'sales_rep'],
  reps: ['admin', 'operator'],
  staff: ['admin'],
  audit: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type PageKey = keyof typeof PAGE_ROLES;

export const canOpen = (role: StaffRole, page: PageKey): boolean => (PAGE_ROLES[page] as readonly StaffRole[]).includes(role);
