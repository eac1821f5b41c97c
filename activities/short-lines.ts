import { OutOfStockError } from '../db/errors.js';
import type { ShortLine } from '../domain/order-lines.js';

/** The short lines of a data-layer out-of-stock error; undefined for any other error. */
export function shortLinesOf(error: unknown): ShortLine[] | undefined {
  return error instanceof OutOfStockError ? [...error.lines] : undefined;
}
