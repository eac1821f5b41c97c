/** Installs node modules when they are missing or older than package-lock.json. No dependencies. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchDependencies } from './patch-dependencies.mjs';

/** Exactly the lockfile: `npm ci` refuses a lockfile that is incomplete or out of date with package.json. */
export const NPM_CI_ARGS = ['ci', '--no-audit', '--no-fund'];

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureNodeModules(log = (m) => console.error(m)) {
  const lock = path.join(projectRoot, 'package-lock.json');
  const marker = path.join(projectRoot, 'node_modules', '.package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) {
    patchDependencies(log);
    return;
  }
  log('Installing node modules (npm ci, exactly package-lock.json)…');
  execFileSync('npm', NPM_CI_ARGS, { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
}
