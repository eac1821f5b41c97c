/** The context variables every request carries, shared by the router, middleware and validation. */
import type { Logger } from '../observability/logger.js';
import type { AuthVariables } from './auth.js';

export interface RequestVariables {
  requestId: string;
  /** The API logger, with this request's id on every line. */
  log: Logger;
}

export type ApiEnv = { Variables: AuthVariables & RequestVariables };
