/**
 * The platform's HTTP API as the page calls it: JSON in and out, the session's bearer token, and
 * problems (application/problem+json) thrown as ApiProblem with their type, detail and extra fields.
 */
import { currentSession } from './session.js';

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly body: Record<string, unknown>,
  ) {
    super(detail);
  }

  /** The last part of the problem type: `out-of-stock`, `validation`… */
  get kind(): string {
    return this.type.split('/').pop() ?? this.type;
  }
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** Any answer below 500 that is not a problem comes back; a problem is thrown. */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  const session = currentSession();
  const res = await fetch(path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(session ? { Authorization: `Bearer ${session.token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (res.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new ApiProblem(res.status, String(parsed['type'] ?? ''), String(parsed['detail'] ?? ''), parsed);
  }
  return { status: res.status, body: parsed as T };
}
