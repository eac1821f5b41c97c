/**
 * Scratch space of one test run (shard data directories, logs). scripts/test.mjs sets TEST_RUN_DIR and
 * removes it afterwards; a bare `mocha` run gets its own temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let runDir: string | undefined;

export function testRunDir(): string {
  if (runDir) return runDir;
  runDir = process.env['TEST_RUN_DIR'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-test-'));
  fs.mkdirSync(runDir, { recursive: true });
  // As root, the postgres OS user must traverse it to reach its data directories.
  fs.chmodSync(runDir, 0o755);
  return runDir;
}
