#!/usr/bin/env node
/**
 * Installs Temporal's time-skipping test server (the Java `io.temporal:temporal-test-server` from Maven
 * Central, since the SDK's own download of a native build cannot reach its host here) and prints the path
 * of an executable wrapper, `.tools/bin/temporal-test-server`, that `TestWorkflowEnvironment.createTimeSkipping`
 * can start as an `existing-path` server (it runs `<wrapper> <port>`).
 *
 * - Maven resolves the pinned artifact and its runtime dependencies into
 *   `~/.cache/order-platform/temporal-test-server-<version>/lib` (XDG_CACHE_HOME is honoured).
 * - A class-data-sharing archive of a warmed-up server is dumped once into the same directory: the SDK
 *   gives the server only 5 s to answer, and the archive makes the JVM answer in well under one.
 * - A marker file records what was installed, so a rerun does no work beyond comparing a few strings.
 *
 * Needs `java` (17+) and `mvn` on PATH the first time; no npm dependencies (it may run before `npm ci`).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { delay, freePort, grpcCall, waitForPort } from './lib/port-probes.mjs';

export const PINNED_VERSION = '1.38.0';
const GROUP_ID = 'io.temporal';
const ARTIFACT_ID = 'temporal-test-server';
const MAIN_CLASS = 'io.temporal.testserver.TestServer';
/** Pinned so the goal behaves the same whatever plugin version a Maven installation defaults to. */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
/**
 * The server logs through SLF4J 1.7 (slf4j-api 1.7.36 comes with it); without a binding every start prints
 * a three-line "no binding" warning. The no-op binding of the same version silences it, and nothing else.
 */
const SLF4J_NOP = { groupId: 'org.slf4j', artifactId: 'slf4j-nop', version: '1.7.36' };
/** Start-up flags: a short-lived test server needs neither C2 nor a parallel collector. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Xshare:auto'];
/** Colour codes (ESC [ … m), built from the character code so the source holds no control character. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const LAYOUT = 2; // bump when the cache layout or the wrapper changes, to force a reinstall

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'order-platform',
);
const installDir = path.join(cacheRoot, `${ARTIFACT_ID}-${PINNED_VERSION}`);
const libDir = path.join(installDir, 'lib');
const archivePath = path.join(installDir, 'test-server.jsa');
const markerPath = path.join(installDir, 'installed.json');
const lockDir = `${installDir}.lock`;
export const WRAPPER_PATH = path.join(projectRoot, '.tools', 'bin', 'temporal-test-server');

/** Returns the path of the wrapper script, installing the server first if needed. */
export async function ensureTimeSkippingServer(log = (m) => console.error(m)) {
  const onPathJava = onPath('java');
  let marker = onPathJava ? readMarker(javaFingerprint(onPathJava)) : undefined;
  if (!marker) {
    const { java } = requireTools(['java', 'mvn']);
    const fingerprint = javaFingerprint(java);
    marker = await withLock(
      log,
      async () => readMarker(fingerprint) ?? (await install(java, fingerprint, log)),
    );
  }
  writeWrapper(marker);
  return WRAPPER_PATH;
}

async function install(java, fingerprint, log) {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  fs.writeFileSync(path.join(installDir, 'pom.xml'), pom());

  log(
    `temporal-test-server: resolving ${GROUP_ID}:${ARTIFACT_ID}:${PINNED_VERSION} and its runtime dependencies ` +
      'with Maven (first time only; up to a minute)…',
  );
  const mvn = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      path.join(installDir, 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libDir}`,
    ],
    { cwd: installDir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  // Quiet mode leaves only problems, which Debian's Maven wraps in colour codes even in batch mode.
  const output = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.replaceAll(ANSI_COLOUR, '').trim();
  if (output) log(output);
  if (mvn.error) throw new Error(`temporal-test-server: could not run mvn: ${mvn.error.message}`);
  if (mvn.status !== 0) {
    throw new Error(
      `temporal-test-server: Maven could not resolve ${GROUP_ID}:${ARTIFACT_ID}:${PINNED_VERSION} ` +
        `(exit ${mvn.status ?? mvn.signal}); see its output above`,
    );
  }
  const jars = fs
    .readdirSync(libDir)
    .filter((f) => f.endsWith('.jar'))
    .sort();
  if (!jars.includes(`${ARTIFACT_ID}-${PINNED_VERSION}.jar`)) {
    throw new Error(
      `temporal-test-server: Maven finished but ${libDir} lacks ${ARTIFACT_ID}-${PINNED_VERSION}.jar`,
    );
  }
  const megabytes = jars.reduce((sum, f) => sum + fs.statSync(path.join(libDir, f)).size, 0) / 2 ** 20;
  log(`temporal-test-server: ${jars.length} jars (${megabytes.toFixed(0)} MB) resolved in ${elapsed()}`);

  const marker = { layout: LAYOUT, version: PINNED_VERSION, java, javaFingerprint: fingerprint, jars };
  log('temporal-test-server: warming the server up once to record a class-data-sharing archive…');
  try {
    await dumpClassArchive(java, classPath(jars));
    log(`temporal-test-server: class-data-sharing archive written (${elapsed()} so far)`);
  } catch (error) {
    // The server works without the archive; it only starts more slowly.
    fs.rmSync(archivePath, { force: true });
    log(`temporal-test-server: no class-data-sharing archive (${error.message}); starts will be slower`);
  }
  marker.archive = fs.existsSync(archivePath);
  fs.writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  log(`temporal-test-server: installed in ${installDir} (${elapsed()})`);
  return marker;
}

function pom() {
  const dependency = ({ groupId, artifactId, version }) =>
    `    <dependency>\n      <groupId>${groupId}</groupId>\n      <artifactId>${artifactId}</artifactId>\n      <version>${version}</version>\n    </dependency>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/install-time-skipping-server.mjs: only Maven's dependency resolution is used. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.order-platform</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>${PINNED_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${dependency({ groupId: GROUP_ID, artifactId: ARTIFACT_ID, version: PINNED_VERSION })}${dependency(SLF4J_NOP)}  </dependencies>
</project>
`;
}

/** The explicit, sorted class path: a class-data-sharing archive is only valid for the class path it was made with. */
function classPath(jars) {
  return jars.map((f) => path.join(libDir, f)).join(':');
}

/**
 * Starts the server with -XX:ArchiveClassesAtExit, sends it the calls an SDK makes on connecting (so the
 * gRPC, Netty and protobuf classes they load are archived too) and stops it gracefully, which writes the archive.
 */
async function dumpClassArchive(java, cp) {
  fs.rmSync(archivePath, { force: true });
  const port = await freePort();
  const child = spawn(
    java,
    [
      ...JVM_FLAGS,
      `-XX:ArchiveClassesAtExit=${archivePath}`,
      '-Xlog:cds=off',
      '-cp',
      cp,
      MAIN_CLASS,
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = `${stderr}${chunk}`.slice(-2000);
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await waitForPort(port, 60_000, exited);
    for (const method of [
      '/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
      '/temporal.api.testservice.v1.TestService/GetCurrentTime',
      '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace',
    ]) {
      await grpcCall(port, method);
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  let timer;
  const exit = await Promise.race([
    exited,
    new Promise((resolve) => {
      timer = setTimeout(resolve, 60_000);
    }),
  ]);
  clearTimeout(timer);
  if (!exit) {
    child.kill('SIGKILL');
    throw new Error('the warm-up server did not stop within 60 s');
  }
  if (!fs.existsSync(archivePath)) {
    throw new Error(`the JVM wrote no archive${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
  }
}

/** The marker when the pinned version is fully installed for this JVM, else undefined. */
function readMarker(fingerprint) {
  let marker;
  try {
    marker = JSON.parse(fs.readFileSync(markerPath, 'utf8'));
  } catch {
    return undefined;
  }
  const complete =
    marker.layout === LAYOUT &&
    marker.version === PINNED_VERSION &&
    marker.javaFingerprint === fingerprint &&
    Array.isArray(marker.jars) &&
    marker.jars.every((f) => fs.existsSync(path.join(libDir, f))) &&
    (!marker.archive || fs.existsSync(archivePath));
  return complete ? marker : undefined;
}

function wrapperScript(marker) {
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  const run = (extra) =>
    `exec ${q(marker.java)} ${[...JVM_FLAGS, ...extra].join(' ')} -cp "$CP" ${MAIN_CLASS} "$@"`;
  return `#!/bin/sh
# Temporal time-skipping test server ${GROUP_ID}:${ARTIFACT_ID}:${PINNED_VERSION}, run from Maven jars.
# Usage: temporal-test-server <port> [--enable-time-skipping]
# Written by scripts/install-time-skipping-server.mjs (rerun it to rewrite this file); do not edit.
CACHE=${q(installDir)}
CP=${q(classPath(marker.jars))}
if [ ! -f "$CACHE/installed.json" ] || [ ! -x ${q(marker.java)} ]; then
  echo "temporal-test-server: the install in $CACHE or its JVM is gone; run: node scripts/install-time-skipping-server.mjs" >&2
  exit 127
fi
if [ -f "$CACHE/test-server.jsa" ]; then
  ${run(['-XX:SharedArchiveFile="$CACHE/test-server.jsa"'])}
fi
${run([])}
`;
}

function writeWrapper(marker) {
  const content = wrapperScript(marker);
  try {
    if (fs.readFileSync(WRAPPER_PATH, 'utf8') === content && fs.statSync(WRAPPER_PATH).mode & 0o100) return;
  } catch {
    // missing: write it
  }
  fs.mkdirSync(path.dirname(WRAPPER_PATH), { recursive: true });
  const tmp = `${WRAPPER_PATH}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o755 });
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, WRAPPER_PATH);
}

/** Absolute paths of the named executables on PATH; one clear error naming every missing one. */
function requireTools(names) {
  const found = {};
  const missing = [];
  for (const name of names) {
    const where = onPath(name);
    if (where) found[name] = where;
    else missing.push(name);
  }
  if (missing.length > 0) {
    throw new Error(
      `The Temporal time-skipping test server needs Java (17 or later) and Maven on PATH; missing: ${missing.join(', ')}. ` +
        'Install them (Debian: apt-get install -y openjdk-17-jre-headless maven) and rerun, or set ' +
        'TEMPORAL_TEST_SERVER=/path/to/temporal-test-server.',
    );
  }
  return found;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return fs.realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Identifies the JVM build an archive was made with (a package upgrade changes the size or time). */
function javaFingerprint(java) {
  const libjvm = path.join(path.dirname(path.dirname(java)), 'lib', 'server', 'libjvm.so');
  const stat = fs.statSync(fs.existsSync(libjvm) ? libjvm : java);
  return `${java}:${stat.size}:${Math.trunc(stat.mtimeMs)}`;
}

/** Runs fn while holding a lock directory, so two installs never write the same cache at once. */
async function withLock(log, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 15 * 60_000) {
        fs.rmSync(lockDir, { recursive: true, force: true }); // left by a killed install
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`temporal-test-server: ${lockDir} is held by another install`);
      if (!told) log('temporal-test-server: another install is running; waiting for it…');
      told = true;
      await delay(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(await ensureTimeSkippingServer());
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}
