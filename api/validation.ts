/**
 * Zod failures as problems. Routes validate through @hono/zod-openapi (its `defaultHook` lands here);
 * the one body whose schema depends on the query (POST /checkout?op=…) is parsed with `parseJsonBody`.
 */
import type { Hook } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { type FieldError, ProblemError, problems } from './problem.js';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './schemas/text.js';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || 'body', message: issue.message };
  });
}

function describe(fields: FieldError[]): string {
  return `Invalid ${fields.map((f) => `${f.field} (${f.message})`).join('; ')}`;
}

/** Path parameters holding text no id could be made of (NUL, controls, lone surrogates). */
function unstorablePathFields(data: unknown): FieldError[] {
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data)
    .filter(([, value]) => typeof value === 'string' && !isStorableText(value))
    .map(([name]) => ({ field: `path.${name}`, message: UNSTORABLE_TEXT_MESSAGE }));
}

/**
 * The hook every route's validators call. A path parameter that cannot be an id names nothing: 404,
 * like an id that does not exist — unless it is not even text (400, as for any other input). Everything
 * else is a 400 naming the fields.
 */
export const problemHook: Hook<unknown, ApiEnv, string, undefined> = (result) => {
  if (result.success) return;
  if (result.target === 'param') {
    // The validator hands the hook the raw input too; its type leaves it out.
    const fields = unstorablePathFields((result as { data?: unknown }).data);
    if (fields.length > 0) throw new ProblemError(problems.validation(describe(fields), fields));
    throw new ProblemError(problems.notFound('No such resource: the id in the path is not a valid id'));
  }
  const prefix = result.target === 'json' ? undefined : result.target;
  const fields = fieldErrors(result.error, prefix);
  throw new ProblemError(problems.validation(describe(fields), fields));
};

/** Parses a JSON body with `schema`. An empty body is `{}`; any other body must be JSON, and say so. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim().length > 0) {
    const contentType = c.req.header('Content-Type') ?? '';
    if (!JSON_MEDIA_TYPE.test(contentType.split(';')[0]!.trim())) {
      throw new ProblemError(problems.unsupportedMediaType('The body must be application/json'));
    }
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ProblemError(problems.malformedJson('The body is not valid JSON'));
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    throw new ProblemError(problems.validation(describe(fields), fields));
  }
  return parsed.data;
}
