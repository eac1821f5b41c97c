/** Installs node modules when they are missing or older than package-lock.json. No dependencies. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchDependencies } from './patch-dependencies.mjs';

/**
 * `npm install` rather than `npm ci`: the versions are the lockfile's either way, but `npm ci` rejects a
 * lockfile whose optional platform packages (e.g. @biomejs/cli-win32-x64) a registry mirror does not
 * carry, while `npm install` skips them.
 */
export const NPM_INSTALL_ARGS = ['install', '--no-audit', '--no-fund'];

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureNodeModules(log = (m) => console.error(m)) {
  const lock = path.join(projectRoot, 'package-lock.json');
  const marker = path.join(projectRoot, 'node_modules', '.package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) {
    patchDependencies(log);
    return;
  }
  log('Installing node modules (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
