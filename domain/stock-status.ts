/** Lifecycle of a checkout's hold on an item: RESERVED → COMMITTED (paid) or RELEASED (expired, failed, cancelled). */
export const RESERVATION_STATUSES = ['RESERVED', 'RELEASED', 'COMMITTED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Lifecycle of units a warehouse promised to an order: ALLOCATED → SHIPPED, or RELEASED on cancellation. */
export const ALLOCATION_STATUSES = ['ALLOCATED', 'RELEASED', 'SHIPPED'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];
