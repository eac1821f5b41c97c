/**
 * The local stack (scripts/start-stack.ts) for one fuzzing run: free loopback ports, a throwaway data
 * directory, a small catalog and a short reservation TTL, so expiry happens within the run. Its output
 * goes to a log file, kept for the failure report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain .mjs without type declarations
import { ensureTemporalCli } from '../install-temporal-cli.mjs';
import { freeStackPorts, LaunchedStack, READY_LINE } from '../lib/launched-stack.js';
import { PROJECT_ROOT } from '../lib/project-paths.js';

const READY_TIMEOUT_MS = 10 * 60_000;
const STOP_GRACE_MS = 30_000;

export interface FuzzStackOptions {
  reservationTtlSeconds: number;
  seedItems: number;
  logFile: string;
}

export interface FuzzStack {
  apiUrl: string;
  temporalAddress: string;
  /** The environment the stack's processes run with (JWT_SECRET and the rest, for minting tokens). */
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** The shards' URLs, as the stack announced them at `ready`. */
  shardUrls: string[];
  /** Whether the log shows `pattern`. */
  logged(pattern: RegExp): boolean;
  stop(): Promise<void>;
}

export async function startFuzzStack(options: FuzzStackOptions): Promise<FuzzStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-fuzz-'));
  // As root, the shards run as the postgres OS user, which must traverse this directory.
  fs.chmodSync(dataDir, 0o755);
  const ports = await freeStackPorts();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...ports,
    TEMPORAL_CLI: ensureTemporalCli(),
    DATA_DIR: dataDir,
    SEED_ITEMS: String(options.seedItems),
    RESERVATION_TTL_SECONDS: String(options.reservationTtlSeconds),
    ALLOW_DEV_SECRETS: '1',
  };
  const log = fs.createWriteStream(options.logFile);
  let output = '';
  const stack = new LaunchedStack(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'start-stack.ts')],
    env,
    (chunk) => {
      log.write(chunk);
      if (!output.includes(READY_LINE)) output += chunk;
    },
  );
  const stop = async () => {
    stack.interrupt();
    await Promise.race([stack.exited, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS))]);
    stack.kill();
    await new Promise((resolve) => log.end(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await stack.waitFor(READY_LINE, READY_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl: `http://127.0.0.1:${ports['API_PORT']}`,
    temporalAddress: ports['TEMPORAL_ADDRESS']!,
    env,
    dataDir,
    shardUrls: [...new Set(output.match(/postgres:\/\/\S+/g) ?? [])],
    logged: (pattern) => stack.has(pattern),
    stop,
  };
}
