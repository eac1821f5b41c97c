/**
 * A client span per SQL statement a shard pool runs while a span is active (an activity's, an HTTP
 * request's): `db.system=postgresql`, the shard, the statement's operation and its text with `$n`
 * placeholders. Parameter values never go into a span, nor a failed statement's message (which can quote
 * them): only its SQLSTATE. Statements run outside any trace (probes, the primary watch) make no span.
 *
 * postgres.js has no query hooks: its `debug` option sees a statement start but not its end. Every
 * statement is a Query promise that calls its own `handler` when it runs and settles through its own
 * `resolve`/`reject`, so the pool is wrapped in a Proxy that, on each Query it hands out (tagged
 * template, `unsafe`, `file`, and those of transactions, savepoints and reserved connections), wraps
 * those three: the span starts when the statement runs and ends when it settles, in the caller's context.
 */
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type postgres from 'postgres';

/** The Query fields the wrapper relies on (postgres.js 3.x, src/query.js). */
interface RunnableQuery {
  strings: readonly string[];
  string?: string;
  handler: (query: RunnableQuery) => unknown;
  resolve: (value: unknown) => unknown;
  reject: (error: unknown) => unknown;
}

export function tracedSql(sql: postgres.Sql, shard: string, tracer: Tracer): postgres.Sql {
  const traceQuery = (made: unknown) => traced(made, shard, tracer);
  const traceScoped =
    (fn: (scoped: postgres.Sql) => unknown) =>
    (scoped: postgres.Sql): unknown =>
      fn(tracedSql(scoped, shard, tracer));
  return new Proxy(sql, {
    apply: (target, self, args) => traceQuery(Reflect.apply(target, self, args)),
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      switch (property) {
        case 'unsafe':
        case 'file':
          return (...args: unknown[]) => traceQuery(value.apply(target, args));
        case 'begin':
        case 'savepoint':
          return (...args: unknown[]) =>
            value.apply(
              target,
              args.map((arg) => (typeof arg === 'function' ? traceScoped(arg as never) : arg)),
            );
        case 'reserve':
          return async () => tracedSql(await value.apply(target), shard, tracer);
        default:
          return value;
      }
    },
  });
}

function traced(made: unknown, shard: string, tracer: Tracer): unknown {
  if (!isQuery(made)) return made; // sql(identifier), sql(values): fragments, not statements
  const run = made.handler;
  made.handler = (query) => {
    const parent = context.active();
    if (trace.getSpan(parent) === undefined) return run(query);
    const operation = operationOf(query.strings[0] ?? '');
    const span = tracer.startSpan(
      operation ? `${operation} ${shard}` : shard,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system': 'postgresql', 'db.shard': shard, 'db.operation.name': operation },
      },
      parent,
    );
    const { resolve, reject } = query;
    query.resolve = (value) => {
      if (query.string) span.setAttribute('db.query.text', query.string);
      span.end();
      return resolve(value);
    };
    query.reject = (error) => {
      if (query.string) span.setAttribute('db.query.text', query.string);
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string') span.setAttribute('db.response.status_code', code);
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      return reject(error);
    };
    return run(query);
  };
  return made;
}

function isQuery(value: unknown): value is RunnableQuery {
  return (
    value instanceof Promise &&
    typeof (value as Partial<RunnableQuery>).handler === 'function' &&
    Array.isArray((value as Partial<RunnableQuery>).strings)
  );
}

/** The statement's first keyword (`SELECT`, `INSERT`, `WITH`…). */
function operationOf(text: string): string {
  return /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? '';
}
