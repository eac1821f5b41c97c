/**
 * CPU time and resident memory of processes, from /proc (Linux). A process tree's CPU is its own plus
 * every live descendant's (a PostgreSQL server's work is done by its backends), plus what its exited,
 * reaped children used.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Clock ticks. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/** Parses /proc/<pid>/stat; the command name is in parentheses and may itself contain spaces or ')'. */
export function parseProcStat(line: string): ProcStat {
  const afterName = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
  const field = (n: number) => Number(afterName[n - 3]);
  return {
    pid: Number(line.slice(0, line.indexOf(' '))),
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited meanwhile
  }
}

function allStats(): ProcStat[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readStat(Number(name)) ?? []);
}

/** CPU seconds used so far by each tree, rooted at the given pids. */
export function treeCpuSeconds(roots: Readonly<Record<string, number>>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const result: Record<string, number> = {};
  for (const [name, pid] of Object.entries(roots)) {
    const root = byPid.get(pid);
    if (!root) continue;
    let ticks = root.cutime + root.cstime;
    for (const queue = [root]; queue.length > 0; ) {
      const next = queue.pop()!;
      ticks += next.utime + next.stime;
      queue.push(...(children.get(next.pid) ?? []));
    }
    result[name] = ticks / clockTicks();
  }
  return result;
}

export interface ResidentMemory {
  /** VmRSS: resident now, every thread of the process (a Temporal worker's workflow isolates run in threads). */
  rssMiB: number;
  /** VmHWM: the most it has been resident since it started. */
  peakMiB: number;
}

/** VmRSS and VmHWM from the text of /proc/<pid>/status, in MiB. */
export function parseResidentMemory(status: string): ResidentMemory {
  const mib = (field: string) => {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    if (kib === undefined) throw new Error(`no ${field} in /proc/<pid>/status`);
    return Number(kib) / 1024;
  };
  return { rssMiB: mib('VmRSS'), peakMiB: mib('VmHWM') };
}

/** Resident memory of one process (not its children: a worker has none, its isolates are threads). */
export function residentMemory(pid: number): ResidentMemory {
  return parseResidentMemory(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Starts the process's VmHWM over from its VmRSS (Linux ≥ 4.0); false when the kernel refuses. */
export function resetPeakMemory(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds each tree used between two readings. */
export function cpuDelta(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, s]) => [name, s - (before[name] ?? 0)]));
}

/** A pid whose command line satisfies `matches`, if any (for processes started by code we do not own). */
export function findProcess(matches: (argv: string[]) => boolean): number | undefined {
  const pids = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  for (const pid of pids) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (matches(argv)) return pid;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}
