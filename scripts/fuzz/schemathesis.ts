/**
 * Schemathesis in a project-local virtualenv (.tools/venv), installed from scripts/fuzz/requirements.txt,
 * and one run of it against the API with one bearer token and the hooks in scripts/fuzz/hooks.py.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { projectPath } from '../lib/project-paths.js';

const FUZZ_DIR = projectPath('scripts', 'fuzz');
const REQUIREMENTS = path.join(FUZZ_DIR, 'requirements.txt');
const VENV = projectPath('.tools', 'venv');
const SCHEMATHESIS = path.join(VENV, 'bin', 'schemathesis');
/** Holds the hash of the requirements the venv was built from; a change rebuilds it. */
const INSTALLED_MARKER = path.join(VENV, '.requirements-sha1');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status})`);
}

/** Returns the path of the pinned schemathesis, installing it first when missing or outdated. */
export function ensureSchemathesis(log: (message: string) => void): string {
  const wanted = createHash('sha1').update(fs.readFileSync(REQUIREMENTS)).digest('hex');
  const installed = fs.existsSync(INSTALLED_MARKER) ? fs.readFileSync(INSTALLED_MARKER, 'utf8').trim() : '';
  if (installed === wanted && fs.existsSync(SCHEMATHESIS)) return SCHEMATHESIS;
  log(
    `installing schemathesis into ${path.relative(projectPath(), VENV)} (pinned in scripts/fuzz/requirements.txt)`,
  );
  run(process.env['PYTHON'] ?? 'python3', ['-m', 'venv', '--clear', VENV]);
  run(path.join(VENV, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    REQUIREMENTS,
  ]);
  fs.writeFileSync(INSTALLED_MARKER, `${wanted}\n`);
  return SCHEMATHESIS;
}

export interface SchemathesisRun {
  /** Names the run in progress lines and report files: `shopper`, `operator`. */
  label: string;
  token: string;
  apiUrl: string;
  /** Test cases per operation and phase. */
  maxExamples: number;
  /** With a budget, schemathesis repeats its phases until it is spent. */
  maxTimeSeconds?: number;
  seed?: number;
  /** Where hooks.py writes one JSON line per answered request. */
  recordFile: string;
  reportDir: string;
  itemIds: string[];
  warehouseIds: string[];
  /** Stopped (SIGINT, then SIGKILL) when it runs longer than this. */
  watchdogMs: number;
}

export interface SchemathesisOutcome {
  exitCode: number | null;
  timedOut: boolean;
  /** The last lines of its output (summary and failures), for the report. */
  tail: string[];
}

const TAIL_LINES = 200;

export async function runSchemathesis(
  executable: string,
  options: SchemathesisRun,
  progress: (line: string) => void,
): Promise<SchemathesisOutcome> {
  const args = [
    '--config-file',
    path.join(FUZZ_DIR, 'schemathesis.toml'),
    '--no-color',
    'run',
    `${options.apiUrl}/openapi.json`,
    '--header',
    `Authorization: Bearer ${options.token}`,
    '--max-examples',
    String(options.maxExamples),
    '--report',
    'junit',
    '--report-dir',
    options.reportDir,
    '--report-junit-path',
    path.join(options.reportDir, `${options.label}.junit.xml`),
    ...(options.maxTimeSeconds ? ['--max-time', String(options.maxTimeSeconds)] : []),
    ...(options.seed !== undefined ? ['--seed', String(options.seed)] : []),
  ];
  const child = spawn(executable, args, {
    // Its example database and caches land beside the reports, not in the project.
    cwd: options.reportDir,
    env: {
      ...process.env,
      SCHEMATHESIS_HOOKS: path.join(FUZZ_DIR, 'hooks.py'),
      FUZZ_RECORD_FILE: options.recordFile,
      FUZZ_ITEM_IDS: options.itemIds.join(','),
      FUZZ_WAREHOUSE_IDS: options.warehouseIds.join(','),
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (line.trim()) progress(line);
    });
  }
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  }, options.watchdogMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(watchdog);
  return { exitCode, timedOut, tail };
}
