/**
 * The set-up most API and end-to-end suites share, as one call inside their `describe`: mocha hooks that
 * open the suite's shards, start the platform's real processes on them and mint an operator token before
 * the suite, and stop the processes and close the shards after it. The returned object reads what the
 * hooks made; the suite's own `before` hooks, registered after the call, run after these.
 */
import type { PlatformProcessName } from '../../scripts/lib/platform-processes.js';
import { openShards, type ShardAccess } from './catalog-fixture.js';
import { type RunningPlatform, startPlatform, tokenFor } from './platform.js';
import { testStack } from './stack.js';

export interface PlatformSuiteOptions {
  /** Environment of the processes, over startPlatform's defaults; a function is read when they start. */
  env?: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv);
  /** The processes to start: all of them unless told. */
  processes?: PlatformProcessName[];
  /** Whether to open the suite's shards (`db`); true unless told. */
  shards?: boolean;
  /** The subject of an operator token (`operator`), when the suite needs one. */
  operator?: string;
}

export interface PlatformSuite {
  readonly platform: RunningPlatform;
  readonly db: ShardAccess;
  /** A bearer token with the operator role. */
  readonly operator: string;
}

export function usePlatform(options: PlatformSuiteOptions = {}): PlatformSuite {
  let platform: RunningPlatform | undefined;
  let db: ShardAccess | undefined;
  let operator: string | undefined;

  before(async () => {
    if (options.shards !== false) db = await openShards(testStack().shardUrls);
    const env = typeof options.env === 'function' ? options.env() : options.env;
    platform = await startPlatform(env, options.processes);
    if (options.operator !== undefined) operator = await tokenFor(options.operator, 'operator');
  });

  after(async () => {
    await platform?.stop();
    await db?.close();
  });

  const made = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`usePlatform: ${what} is not there; read it in a test or a later hook`);
    return value;
  };
  return {
    get platform() {
      return made(platform, 'the platform');
    },
    get db() {
      return made(db, 'db (unless `shards: false`)');
    },
    get operator() {
      return made(operator, 'operator (given `operator`)');
    },
  };
}
