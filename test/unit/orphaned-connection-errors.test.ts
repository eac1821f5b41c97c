import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a process that installs the guard, then lets a rejection with `error` go unhandled. */
function runWithUnhandled(error: string): { status: number | null; stdout: string } {
  const script = `
    import { dropOrphanedConnectionErrors } from './db/orphaned-connection-errors.ts';
    import { createLogger } from './observability/logger.ts';
    dropOrphanedConnectionErrors(createLogger('test', 'error'));
    Promise.reject(${error});
    setTimeout(() => console.log('still running'), 200);
  `;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: res.status, stdout: res.stdout };
}

describe('a database query nobody awaited', () => {
  it('losing its connection (server shutting down, connection destroyed) does not end the process', () => {
    for (const code of ['57P01', 'CONNECTION_DESTROYED', 'CONNECTION_CLOSED']) {
      const run = runWithUnhandled(`Object.assign(new Error('gone'), { code: '${code}' })`);
      assert.equal(run.status, 0, code);
      assert.match(run.stdout, /still running/, code);
    }
  });

  it('any other unhandled rejection still ends it', () => {
    for (const error of [`new Error('a bug')`, `Object.assign(new Error('bad data'), { code: '22P02' })`]) {
      const run = runWithUnhandled(error);
      assert.notEqual(run.status, 0, error);
      assert.doesNotMatch(run.stdout, /still running/, error);
    }
  });
});
