import { z } from 'zod';
import { text } from './common';
import { STAFF_ROLES } from '../vocabulary';

export const StaffLoginRequest = z
  .object({
    username: text(64),
    password: text(256, { trim: false }),
  })
  .meta({ id: 'StaffLoginRequest' });
export type StaffLoginRequest = z.infer<typeof StaffLoginRequest>;

export const StaffProfile = z
  .object({
    id: z.int(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(STAFF_ROLES),
    storeId: z.int().nullable(),
  })
  .meta({ id: 'StaffProfile' });
export type StaffProfile = z.infer<typeof StaffProfile>;

export const StaffLoginResponse = z
  .object({ token: z.string(), expiresAt: z.iso.datetime(), staff: StaffProfile })
  .meta({ id: 'StaffLoginResponse' });
export type StaffLoginResponse = z.infer<typeof StaffLoginResponse>;
