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
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = '/* order-platform: closed-socket guard */';

const PATCHES = [
  {
    package: 'postgres',
    files: ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'],
    find: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    replace: `  function nextWrite(fn) {\n    ${MARKER} if (!socket) { nextWriteTimer !== null && clearImmediate(nextWriteTimer); chunk = nextWriteTimer = null; return false }\n    const x = socket.write(chunk, fn)`,
  },
];

export function patchDependencies(log = (m) => console.error(m)) {
  for (const patch of PATCHES) {
    for (const file of patch.files) {
      const target = path.join(projectRoot, 'node_modules', patch.package, file);
      if (!fs.existsSync(target)) continue;
      const source = fs.readFileSync(target, 'utf8');
      if (source.includes(MARKER)) continue;
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
  return fs.readFileSync(target, 'utf8').includes(MARKER);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  patchDependencies();
}
