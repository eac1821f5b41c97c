/**
 * pg_auto_failover's `pg_autoctl`, run as the PostgreSQL server user with Debian's PostgreSQL server, and
 * with its own configuration and state kept under the cluster's directory (not the server user's home), so
 * two clusters on one machine never share state.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { OsUser } from '../os-user.js';

const AUTOCTL = '/usr/bin/pg_autoctl';
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';
export const AUTO_FAILOVER_PACKAGES = 'postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli';

export interface Autoctl {
  /** Debian's PostgreSQL server binaries of the major version the extension is built for. */
  readonly binDir: string;
  readonly runAs: OsUser | undefined;
  /** XDG directories of pg_autoctl's configuration and state files. */
  readonly stateDir: string;
}

/** The newest Debian PostgreSQL that carries the pgautofailover extension, or a message naming the packages. */
export function findAutoctl(runAs: OsUser | undefined, stateDir: string): Autoctl {
  const majors = fs.existsSync(DEBIAN_PG_ROOT)
    ? fs
        .readdirSync(DEBIAN_PG_ROOT)
        .filter((major) => fs.existsSync(path.join(DEBIAN_PG_ROOT, major, 'lib', 'pgautofailover.so')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!fs.existsSync(AUTOCTL) || majors.length === 0) {
    throw new Error(
      `SHARD_REPLICAS > 0 runs each shard under pg_auto_failover, which is not installed: apt-get install ${AUTO_FAILOVER_PACKAGES}`,
    );
  }
  return { binDir: path.join(DEBIAN_PG_ROOT, majors[0]!, 'bin'), runAs, stateDir };
}

function autoctlEnv(autoctl: Autoctl): NodeJS.ProcessEnv {
  const { binDir, stateDir } = autoctl;
  return {
    PATH: `${binDir}:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    HOME: stateDir,
    XDG_CONFIG_HOME: path.join(stateDir, 'config'),
    XDG_DATA_HOME: path.join(stateDir, 'data'),
    XDG_RUNTIME_DIR: path.join(stateDir, 'run'),
  };
}

/** Runs one `pg_autoctl` command to its end; throws with its output when it fails. */
export function runAutoctl(autoctl: Autoctl, args: readonly string[]): string {
  const res = spawnSync(AUTOCTL, args, {
    encoding: 'utf8',
    env: autoctlEnv(autoctl),
    cwd: autoctl.stateDir,
    uid: autoctl.runAs?.uid,
    gid: autoctl.runAs?.gid,
  });
  if (res.status !== 0) {
    const output = `${res.stdout}${res.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`pg_autoctl ${args.slice(0, 2).join(' ')} failed (exit ${res.status}):\n${output}`);
  }
  return res.stdout;
}

/** Starts `pg_autoctl run` for a node or the monitor: the long-lived keeper, which runs its postgres. */
export function spawnKeeper(autoctl: Autoctl, pgdata: string, logFile: string) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(AUTOCTL, ['run', '--pgdata', pgdata], {
    stdio: ['ignore', log, log],
    env: autoctlEnv(autoctl),
    cwd: autoctl.stateDir,
    uid: autoctl.runAs?.uid,
    gid: autoctl.runAs?.gid,
  });
  fs.closeSync(log);
  return child;
}
