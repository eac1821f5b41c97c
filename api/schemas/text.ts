/**
 * Every string a request may carry starts here. PostgreSQL cannot store NUL, its JSON types refuse lone
 * UTF-16 surrogates, and control characters in a name or a search mean a forged request: such text is
 * refused as input (400 naming the field) instead of failing later in a query or, worse, in a workflow
 * activity that retries it forever.
 */
import { z } from '@hono/zod-openapi';

/** Controls (C0, DEL, C1) and surrogates; in `u` mode `\p{Cs}` only matches an unpaired half. */
const NOT_SINGLE_LINE = /[\p{Cc}\p{Cs}]/u;
/** The same, but tab, line feed and carriage return are text in a multi-line field. */
const NOT_MULTI_LINE = /(?![\t\n\r])[\p{Cc}\p{Cs}]/u;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL, control characters or unpaired surrogates';

export function isStorableText(value: string, { multiline = false } = {}): boolean {
  return !(multiline ? NOT_MULTI_LINE : NOT_SINGLE_LINE).test(value);
}

/**
 * A request string: the text check runs first and stops the others, so a field is named once. Chain
 * further checks (`.regex`, `.max`, `.trim`) after it.
 */
export function text({ multiline = false } = {}) {
  return z.string().refine((value) => isStorableText(value, { multiline }), {
    message: UNSTORABLE_TEXT_MESSAGE,
    abort: true,
  });
}
