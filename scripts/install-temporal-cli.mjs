#!/usr/bin/env node
/**
 * Finds or installs the pinned Temporal CLI and prints its path.
 * Order: TEMPORAL_CLI=/path → .tools/bin/temporal → `temporal` on PATH (compatible version) →
 * a copy built earlier on this machine (~/.cache) → `go install …@v1.5.1`.
 * No dependencies beyond Node itself: it runs before `npm ci` may have happened.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** The CLI embeds a dev server; update-with-start needs server ≥ 1.26. */
const MIN_SERVER = [1, 26, 0];
/** `go install` builds report version 0.0.0-DEV, so the pinned version is recorded beside the binary. */
const PIN_SUFFIX = '.pinned-version';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsBin = path.join(projectRoot, '.tools', 'bin');
const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'order-platform');

/** The version of the dev server embedded in a CLI, e.g. [1, 29, 1]; undefined if not a Temporal CLI. */
export function embeddedServerVersion(executable) {
  const res = spawnSync(executable, ['--version'], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  const match = /Server (\d+)\.(\d+)\.(\d+)/.exec(res.stdout);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

function isCompatible(executable) {
  const server = embeddedServerVersion(executable);
  return server !== undefined && atLeast(server, MIN_SERVER);
}

function atLeast(version, minimum) {
  for (let i = 0; i < minimum.length; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}

function onPath(name) {
  const res = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

function isPinned(executable) {
  const marker = `${executable}${PIN_SUFFIX}`;
  return (
    fs.existsSync(executable) &&
    fs.existsSync(marker) &&
    fs.readFileSync(marker, 'utf8').trim() === PINNED_VERSION &&
    isCompatible(executable)
  );
}

function markPinned(executable) {
  fs.writeFileSync(`${executable}${PIN_SUFFIX}`, `${PINNED_VERSION}\n`);
}

function copyExecutable(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, `${to}.tmp`);
  fs.chmodSync(`${to}.tmp`, 0o755);
  fs.renameSync(`${to}.tmp`, to);
  markPinned(to);
}

function goInstall(log) {
  if (!onPath('go')) {
    throw new Error(
      'The Temporal CLI is missing and Go is not installed to build it. Either install Go (1.22 or later) and rerun, ' +
        `or install the CLI yourself and set TEMPORAL_CLI=/path/to/temporal (version ${PINNED_VERSION}).`,
    );
  }
  const gobin = path.join(cacheDir, `temporal-v${PINNED_VERSION}`);
  log(
    `Building the Temporal CLI v${PINNED_VERSION} with go install (a few minutes the first time; cached after)…`,
  );
  execFileSync('go', ['install', `${MODULE}@v${PINNED_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: gobin },
  });
  const built = path.join(gobin, 'temporal');
  markPinned(built);
  return built;
}

/** Returns the path of a usable Temporal CLI, installing the pinned one if needed. */
export function ensureTemporalCli(log = (m) => console.error(m)) {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    const server = embeddedServerVersion(explicit);
    if (!server) throw new Error(`TEMPORAL_CLI=${explicit} is not a runnable Temporal CLI`);
    if (!atLeast(server, MIN_SERVER)) {
      throw new Error(
        `TEMPORAL_CLI=${explicit} embeds server ${server.join('.')}; need ≥ ${MIN_SERVER.join('.')} (CLI ${PINNED_VERSION} has it)`,
      );
    }
    return explicit;
  }
  const local = path.join(toolsBin, 'temporal');
  if (isPinned(local)) return local;

  const system = onPath('temporal');
  if (system && path.resolve(system) !== local && isCompatible(system)) return system;

  const cached = path.join(cacheDir, `temporal-v${PINNED_VERSION}`, 'temporal');
  const built = isPinned(cached) ? cached : goInstall(log);
  copyExecutable(built, local);
  log(`Temporal CLI v${PINNED_VERSION} installed at ${path.relative(projectRoot, local)}`);
  return local;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureTemporalCli());
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}
