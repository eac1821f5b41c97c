/**
 * The Temporal server as separate programs, for the cluster topology (`TEMPORAL=cluster`): the server, its
 * SQL schema tool and the Web UI server, each built once with `go install` from the Go module proxy at the
 * versions the pinned CLI embeds, and kept under ~/.cache/order-platform/ with the schema files the SQL tool
 * applies (they come with the server module's sources).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
/** The Web UI server the CLI v1.5.1 embeds. */
export const TEMPORAL_UI_VERSION = '2.42.1';

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** `schema/postgresql/v12` of the server's module: `temporal/` and `visibility/`, each with `versioned/`. */
  postgresSchemaDir: string;
}

function cacheRoot(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'order-platform', `temporal-server-v${TEMPORAL_SERVER_VERSION}`);
}

function layout(root: string): TemporalServerBinaries {
  return {
    server: path.join(root, 'bin', 'temporal-server'),
    sqlTool: path.join(root, 'bin', 'temporal-sql-tool'),
    uiServer: path.join(root, 'bin', 'temporal-ui-server'),
    postgresSchemaDir: path.join(root, 'schema', 'postgresql', 'v12'),
  };
}

const COMPLETE_MARKER = '.complete';

/** The cached binaries, built first if missing (a few minutes the first time). */
export function ensureTemporalServer(log: (message: string) => void = console.error): TemporalServerBinaries {
  const root = cacheRoot();
  const found = layout(root);
  if (fs.existsSync(path.join(root, COMPLETE_MARKER))) return found;
  if (!hasGo()) {
    throw new Error(
      'TEMPORAL=cluster needs Go (1.22 or later) to build the Temporal server once; install it and try again',
    );
  }
  fs.rmSync(root, { recursive: true, force: true });
  const scratch = path.join(root, 'build');
  const builds: [string, string, string][] = [
    [`${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, 'server', found.server],
    [`${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`, 'sql', found.sqlTool],
    [`${UI_MODULE}/cmd/server@v${TEMPORAL_UI_VERSION}`, 'server', found.uiServer],
  ];
  for (const [target, built, destination] of builds) {
    log(`building ${target} with go install (cached after the first time)…`);
    // Each in a GOBIN of its own: the server and the UI server are both named `server`.
    const gobin = path.join(scratch, path.basename(destination));
    execFileSync('go', ['install', target], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: gobin },
    });
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    fs.renameSync(path.join(gobin, built), destination);
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  const modules = goEnv('GOMODCACHE');
  copyTree(
    path.join(modules, `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12'),
    found.postgresSchemaDir,
  );
  fs.writeFileSync(path.join(root, COMPLETE_MARKER), `${TEMPORAL_SERVER_VERSION}\n`);
  log(`Temporal server ${TEMPORAL_SERVER_VERSION} ready in ${root}`);
  return found;
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function goEnv(name: string): string {
  return execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
}

/** Copies a directory out of the (read-only) module cache, leaving the copies writable. */
function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
  for (const entry of fs.readdirSync(to, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    fs.chmodSync(full, entry.isDirectory() ? 0o755 : 0o644);
  }
}
