/** A random id for idempotency keys and event ids (letters, digits and -; 8–64 characters as the API asks). */
export function newClientId(prefix = 'c'): string {
  const random = Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 10);
  return `${prefix}-${Date.now().toString(36)}-${random}`;
}
