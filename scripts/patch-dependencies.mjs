#!/usr/bin/env node
/**
 * Applies the project's patches to installed dependencies; idempotent, run after every install
 * (package.json `postinstall`, scripts/ensure-node-modules.mjs, .ci/run, the Dockerfile).
 *
 * postgres.js 3.4.9: a small write is buffered and sent from a setImmediate callback; if the shard dies
 * in between, `closed()` has already set the socket to null and rejected the query, and the callback
 * throws `TypeError: Cannot read properties of null (reading 'write')` as an uncaught exception that
 * kills the whole worker (upstream porsager/postgres#1066, #1154, #1208; fixes not released). The chaos
 * soak hit it by killing a shard mid-query. The patch drops the orphaned write instead.
 *
 * @temporalio/worker 1.24: every Promise created in workflow code runs a promise hook that builds an Error,
 * formats its stack and maps it through the bundle's source map, only so that the `__stack_trace` query can
 * show where the workflow waits. Measured on the ceiling flow that is about a fifth of the order worker's
 * CPU. The patch installs that hook only when WORKFLOW_STACK_TRACES=1 (config/env.ts declares it; the
 * worker thread inherits the process environment). Error stacks in failures stay source-mapped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = '/* order-platform: closed-socket guard */';
const STACK_TRACE_MARKER = '/* order-platform: stack traces on demand */';

const PATCHES = [
  {
    package: 'postgres',
    files: ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'],
    find: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    replace: `  function nextWrite(fn) {\n    ${MARKER} if (!socket) { nextWriteTimer !== null && clearImmediate(nextWriteTimer); chunk = nextWriteTimer = null; return false }\n    const x = socket.write(chunk, fn)`,
  },
  {
    package: '@temporalio/worker',
    files: ['lib/workflow/vm-shared.js'],
    marker: STACK_TRACE_MARKER,
    find: '            this.overridePrepareStackTrace();\n            this.setPromiseHook();',
    replace: `            this.overridePrepareStackTrace();\n            ${STACK_TRACE_MARKER} if (process.env.WORKFLOW_STACK_TRACES === '1') this.setPromiseHook();`,
  },
];

export function patchDependencies(log = (m) => console.error(m)) {
  for (const patch of PATCHES) {
    for (const file of patch.files) {
      const target = path.join(projectRoot, 'node_modules', patch.package, file);
      if (!fs.existsSync(target)) continue;
      const source = fs.readFileSync(target, 'utf8');
      if (source.includes(patch.marker ?? MARKER)) continue;
      if (!source.includes(patch.find)) {
        throw new Error(`cannot patch ${patch.package}/${file}: the code it fixes changed; review the patch`);
      }
      fs.writeFileSync(target, source.replace(patch.find, patch.replace));
      log(`patched ${patch.package}/${file}`);
    }
  }
}

export function isPatched(packageName, file) {
  const target = path.join(projectRoot, 'node_modules', packageName, file);
  const marker = PATCHES.find((p) => p.package === packageName)?.marker ?? MARKER;
  return fs.readFileSync(target, 'utf8').includes(marker);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  patchDependencies();
}
