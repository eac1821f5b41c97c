/**
 * Structured JSON lines on stdout, one format for every process. Callers pass fields, never tokens,
 * card numbers or addresses; an Error among the fields is written as its name, message, failure type
 * and stack (the activity interceptor has already taken statement parameters out of database errors).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` (say, a request id) to every line. */
  child(fields: Record<string, unknown>): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  service: string,
  level: LogLevel,
  write = (line: string) => process.stdout.write(line),
  bound: Record<string, unknown> = {},
): Logger {
  const emit = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    const line = { time: new Date().toISOString(), level: at, service, message, ...bound, ...fields };
    write(`${JSON.stringify(line, errorsAsFields)}\n`);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger(service, level, write, { ...bound, ...fields }),
  };
}

function errorsAsFields(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const { type, nonRetryable } = value as Error & { type?: unknown; nonRetryable?: unknown };
  return {
    name: value.name,
    message: value.message,
    type,
    nonRetryable,
    stack: value.stack,
    cause: value.cause,
  };
}
