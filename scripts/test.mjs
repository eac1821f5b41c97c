#!/usr/bin/env node
/**
 * `npm test [-- <test files…>] [-- mocha options]`: installs what is missing, then runs mocha against
 * its own ephemeral Temporal dev server and PostgreSQL shards (started by the global fixtures).
 * Mocha runs in its own process group, which is killed afterwards so no server outlives the run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-node-modules.mjs';
import { ensureTemporalCli } from './install-temporal-cli.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SPEC = ['test/**/*.test.ts'];

ensureNodeModules();
const temporalCli = ensureTemporalCli();

const args = process.argv.slice(2);
const hasSpec = args.some((a) => !a.startsWith('-'));
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-test-'));
fs.chmodSync(runDir, 0o755);

const mocha = spawn(
  process.execPath,
  [
    path.join(projectRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    ...(hasSpec ? [] : DEFAULT_SPEC),
    ...args,
  ],
  {
    cwd: projectRoot,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, TEMPORAL_CLI: temporalCli, TEST_RUN_DIR: runDir },
  },
);

function killGroup(signal) {
  try {
    process.kill(-mocha.pid, signal);
  } catch {
    // the group is already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => killGroup(signal));
}

mocha.on('exit', (code, signal) => {
  killGroup('SIGKILL');
  // A failed run keeps its scratch directory (process logs, shard data) for a look afterwards.
  if (code === 0) fs.rmSync(runDir, { recursive: true, force: true });
  else console.error(`test run files kept in ${runDir}`);
  process.exit(code ?? (signal ? 1 : 0));
});
