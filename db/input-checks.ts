/** Guards against caller bugs (not business outcomes): they throw RangeError, never a DataLayerError. */

export function assertQuantity(quantity: number, what = 'quantity'): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new RangeError(`${what} must be a positive integer, got ${quantity}`);
  }
}

export function assertCents(cents: number, what = 'amount'): void {
  if (!Number.isSafeInteger(cents) || cents < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of cents, got ${cents}`);
  }
}

export function assertId(id: string, what: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new RangeError(`${what} must be a non-empty string of at most 200 characters`);
  }
}

export function assertDistinct(ids: readonly string[], what: string): void {
  if (new Set(ids).size !== ids.length) throw new RangeError(`${what} must not repeat`);
}

export function assertLimit(limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(`limit must be an integer between 1 and ${max}, got ${limit}`);
  }
}
