/**
 * A shard killed mid-query must not crash a worker. Unpatched, postgres.js 3.4.9 throws an uncaught
 * TypeError from a buffered write after the socket closed (the chaos soak hit it); the project patches
 * the driver after every install (scripts/patch-dependencies.mjs). This reproduces the situation on a
 * real server in a child process: a reserved connection whose backend is terminated, then queried again.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain .mjs without type declarations
import { isPatched } from '../../scripts/patch-dependencies.mjs';
import { testStack } from '../support/stack.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/terminate-reserved-connection.ts', import.meta.url));

describe('postgres.js: a write to a closed socket', function () {
  this.timeout(120_000);

  it('is patched in every build of the driver', () => {
    for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
      assert.equal(isPatched('postgres', file), true, `postgres/${file} is not patched`);
    }
  });

  it('fails the query instead of killing the process', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, testStack().shardUrls[0]!], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.doesNotMatch(run.stderr, /Cannot read properties of null/);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /survived/);
  });
});
