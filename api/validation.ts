import type { Context } from 'hono';
import type { z } from 'zod';
import { ProblemError, problems } from './problem.js';

/** Parses and validates a JSON body; malformed JSON and schema errors become 400 problems naming the fields. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ProblemError(
      problems.validation('The body is not valid JSON', [{ field: 'body', message: 'invalid JSON' }]),
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join('.') : 'body',
      message: issue.message,
    }));
    throw new ProblemError(
      problems.validation(`Invalid body: ${fields.map((f) => f.field).join(', ')}`, fields),
    );
  }
  return parsed.data;
}
