/** A problem the API answered, in words a shopper reads (`Only 3 left`), for the page's alert. */
import { ApiProblem } from './api.js';

interface ShortLine {
  itemId: string;
  requested: number;
  available: number;
}

/** The short lines of an out-of-stock problem. */
export function shortLines(problem: ApiProblem): ShortLine[] {
  const lines = problem.body['lines'];
  return Array.isArray(lines) ? (lines as ShortLine[]) : [];
}

/** `Only 3 left (you asked for 5)`; `None left` when nothing is. */
export function onlyLeft(line: ShortLine): string {
  const left = line.available > 0 ? `Only ${line.available} left` : 'None left';
  return `${left} (you asked for ${line.requested})`;
}

export function refusalText(error: unknown): string {
  if (!(error instanceof ApiProblem)) return `Something went wrong: ${String(error)}`;
  switch (error.kind) {
    case 'out-of-stock':
      return shortLines(error).map(onlyLeft).join('; ') || error.detail;
    case 'cart-limit':
      return `Your cart is full: ${error.detail}`;
    case 'unknown-items':
      return 'This item is no longer sold.';
    case 'validation': {
      const fields = error.body['fields'];
      if (!Array.isArray(fields) || fields.length === 0) return error.detail;
      return (fields as { field: string; message: string }[])
        .map((f) => `${f.field}: ${f.message}`)
        .join('; ');
    }
    case 'unauthorized':
      return 'Your sign-in has lapsed: sign out and in again.';
    case 'service-unavailable':
      return 'The store is busy right now: try again in a moment.';
    default:
      return error.detail || `The store refused (${error.status}).`;
  }
}
