#!/usr/bin/env node
/**
 * `npm start`: installs what is missing (node modules, the Temporal CLI), then runs the whole local
 * platform (scripts/start-stack.ts) in the foreground. Ctrl-C stops every process it started.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './ensure-node-modules.mjs';
import { ensureTemporalCli } from './install-temporal-cli.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

try {
  ensureNodeModules();
  const temporalCli = ensureTemporalCli();
  const stack = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'scripts', 'start-stack.ts')],
    {
      cwd: projectRoot,
      stdio: 'inherit',
      env: { ...process.env, TEMPORAL_CLI: temporalCli },
    },
  );
  // The terminal delivers Ctrl-C to the whole process group; the stack shuts itself down in order.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => stack.kill('SIGTERM'));
  stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
