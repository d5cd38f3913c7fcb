/**
 * The whole database schema. Conventions:
 * - ids are bigint identities read as JS numbers; money is bigint fen; times are timestamptz.
 * - Every member-owned table carries member_id, and its natural unique keys lead with member_id, so the
 *   tables can later be distributed by member_id (Citus) with members, events, orders, points and
 *   deliveries co-located. Surrogate primary keys are `id` alone today; distributing would widen them to
 *   (member_id, id), a key change rather than a data change.
 * - Enum-like text columns are checked against shared/src/vocabulary.ts or ./codes.ts.
 * - What drizzle-kit cannot declare (event partitions, the member_facts view, the covering RFM index, the
 *   ledger triggers) lives in the hand-written 0001 migration.
 */
export * from './codes';
export * from './staff';
export * from './members';
export * from './metrics';
export * from './events';
export * from './catalog';
export * from './orders';
export * from './points';
export * from './coupons';
export * from './campaigns';
export * from './triggers';
export * from './segments';
export * from './rules';
export * from './messaging';
export * from './sales';
export * from './ops';
export * from './recommendations';
