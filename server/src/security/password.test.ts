import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('staff password hashing', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const hash = await hashPassword('店长-2026!');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('店长');
    expect(await verifyPassword('店长-2026!', hash)).toBe(true);
    expect(await verifyPassword('店长-2026', hash)).toBe(false);
    expect(await hashPassword('店长-2026!')).not.toBe(hash);
  });

  it('treats a malformed stored hash as a failed login', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$4$5')).toBe(false);
  });
});
