import { OutOfStockError, type ShortLine } from '../db/errors.js';

/** The short lines of a data-layer out-of-stock error; undefined for any other error. */
export function shortLinesOf(error: unknown): ShortLine[] | undefined {
  return error instanceof OutOfStockError ? [...error.lines] : undefined;
}
