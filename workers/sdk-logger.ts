/** The Temporal SDK's own log lines (worker state, failed tasks, workflow `log` calls) in our JSON format. */
import type { LogMetadata, Logger as SdkLogger, LogLevel as SdkLogLevel } from '@temporalio/worker';
import type { Logger, LogLevel } from '../observability/logger.js';

const LEVEL_OF: Record<SdkLogLevel, LogLevel> = {
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: SdkLogLevel, message: string, meta?: LogMetadata) =>
    logger[LEVEL_OF[level]](message, meta);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
