/** The member-owned rows of a group of simulated members, in the order they must be written (references first). */
import type {
  cartItems,
  coupons,
  eventReceipts,
  events,
  favorites,
  members,
  orderItems,
  orders,
  payments,
  pointsBatches,
  pointsConsumptions,
  pointsLedger,
  refunds,
  repAssignments,
  reviews,
  signIns,
  subscriptionCredits,
  subscriptionEvents,
  tierHistory,
} from '../../../server/src/db/schema';

export interface MemberRows {
  members: (typeof members.$inferInsert)[];
  repAssignments: (typeof repAssignments.$inferInsert)[];
  coupons: (typeof coupons.$inferInsert)[];
  orders: (typeof orders.$inferInsert)[];
  orderItems: (typeof orderItems.$inferInsert)[];
  payments: (typeof payments.$inferInsert)[];
  refunds: (typeof refunds.$inferInsert)[];
  reviews: (typeof reviews.$inferInsert)[];
  pointsBatches: (typeof pointsBatches.$inferInsert)[];
  pointsLedger: (typeof pointsLedger.$inferInsert)[];
  pointsConsumptions: (typeof pointsConsumptions.$inferInsert)[];
  signIns: (typeof signIns.$inferInsert)[];
  tierHistory: (typeof tierHistory.$inferInsert)[];
  events: (typeof events.$inferInsert)[];
  eventReceipts: (typeof eventReceipts.$inferInsert)[];
  favorites: (typeof favorites.$inferInsert)[];
  cartItems: (typeof cartItems.$inferInsert)[];
  subscriptionEvents: (typeof subscriptionEvents.$inferInsert)[];
  subscriptionCredits: (typeof subscriptionCredits.$inferInsert)[];
}

export function emptyMemberRows(): MemberRows {
  return {
    members: [],
    repAssignments: [],
    coupons: [],
    orders: [],
    orderItems: [],
    payments: [],
    refunds: [],
    reviews: [],
    pointsBatches: [],
    pointsLedger: [],
    pointsConsumptions: [],
    signIns: [],
    tierHistory: [],
    events: [],
    eventReceipts: [],
    favorites: [],
    cartItems: [],
    subscriptionEvents: [],
    subscriptionCredits: [],
  };
}
