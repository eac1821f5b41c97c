/**
 * Shards with standbys (`SHARD_REPLICAS` > 0): each shard is a pg_auto_failover formation of one primary and
 * N standbys, all watched by one monitor, which promotes a synchronous standby when the primary dies. Every
 * node runs Debian's PostgreSQL under its keeper (`pg_autoctl run`); clients reach a shard's primary through
 * one multi-host URL with `target_session_attrs=primary`.
 */
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { serverUser } from '../os-user.js';
import { reachableDataDir, SHARD_DATABASE } from '../postgres-server.js';
import { freePortForLateBind } from '../shard-cluster.js';
import { type Autoctl, findAutoctl, runAutoctl } from './autoctl.js';
import { Keeper } from './keeper.js';

/**
 * The monitor's timing: a health check a second, a node unhealthy after 3 s without answers, and a primary
 * that does not answer its demotion given 3 s. A dead or frozen primary is replaced within about 10 s.
 */
export const MONITOR_TIMING = {
  'pgautofailover.health_check_period': 1000,
  'pgautofailover.health_check_timeout': 1000,
  'pgautofailover.health_check_max_retries': 1,
  'pgautofailover.health_check_retry_delay': 500,
  'pgautofailover.node_considered_unhealthy_timeout': 3000,
  'pgautofailover.primary_demote_timeout': 3000,
} as const;

const MONITOR_DATABASE = 'pg_auto_failover';
const SETTINGS_MARKER = '# order-platform settings';

export interface HaShardClusterOptions {
  shards: number;
  /** Standbys per shard (at least 1). */
  replicas: number;
  /** Directory of the monitor, every node and pg_autoctl's state. */
  baseDir: string;
  /** Where that directory goes when the postgres OS user cannot reach baseDir (root + closed parent). */
  fallbackDir: string;
  /** Fixed ports: the monitor on basePort, node j of shard i on basePort + 1 + i × (replicas + 1) + j. */
  basePort?: number;
  durable: boolean;
  onProgress?: (message: string) => void;
  /** Called when a keeper exits without being stopped (a supervisor restarts it). */
  onUnexpectedExit?: (keeper: Keeper, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface HaShard {
  /** `shard-<i>`, also the formation's name. */
  readonly id: string;
  readonly nodes: readonly Keeper[];
}

export interface NodeState {
  formation: string;
  name: string;
  address: string;
  reportedState: string;
  goalState: string;
}

export class HaShardCluster {
  private constructor(
    private readonly autoctl: Autoctl,
    readonly monitor: Keeper,
    readonly shards: readonly HaShard[],
    private readonly options: HaShardClusterOptions,
  ) {}

  /** One multi-host URL per shard, in ring order. */
  get urls(): string[] {
    return this.shards.map((shard) => {
      const hosts = shard.nodes.map((node) => node.address).join(',');
      return `postgres://postgres@${hosts}/${SHARD_DATABASE}?target_session_attrs=primary`;
    });
  }

  get monitorUrl(): string {
    return `postgres://autoctl_node@${this.monitor.address}/${MONITOR_DATABASE}?sslmode=disable`;
  }

  get keepers(): Keeper[] {
    return [this.monitor, ...this.shards.flatMap((shard) => shard.nodes)];
  }

  static async start(options: HaShardClusterOptions): Promise<HaShardCluster> {
    if (options.replicas < 1) throw new RangeError('a highly available shard needs at least one standby');
    const runAs = serverUser();
    const baseDir = reachableDataDir(options.baseDir, runAs, options.fallbackDir);
    const stateDir = path.join(baseDir, 'autoctl');
    fs.mkdirSync(stateDir, { recursive: true });
    const autoctl = findAutoctl(runAs, stateDir);
    if (runAs) fs.chownSync(stateDir, runAs.uid, runAs.gid);
    options.onProgress?.(`pg_auto_failover with PostgreSQL from ${autoctl.binDir}`);

    const ports = await clusterPorts(options, path.join(baseDir, 'ports.json'));
    const keeper = (name: string, pgdata: string, port: number): Keeper => {
      const created: Keeper = new Keeper({
        name,
        pgdata,
        port,
        autoctl,
        onUnexpectedExit: (code, signal) => options.onUnexpectedExit?.(created, code, signal),
      });
      return created;
    };
    const monitor = keeper('monitor', path.join(baseDir, 'monitor'), ports.monitor);
    const shards = ports.nodes.map((nodePorts, i) => ({
      id: `shard-${i}`,
      nodes: nodePorts.map((port, j) =>
        keeper(`shard-${i}-node-${j}`, path.join(baseDir, `shard-${i}-node-${j}`), port),
      ),
    }));
    const cluster = new HaShardCluster(autoctl, monitor, shards, options);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const say = this.options.onProgress ?? (() => {});
    this.createMonitorOnce();
    this.monitor.start();
    await this.waitForMonitor();
    say(`pg_auto_failover monitor on ${this.monitor.address}`);
    await Promise.all(
      this.shards.map(async (shard) => {
        this.createFormationOnce(shard.id);
        const [first, ...standbys] = shard.nodes;
        this.createNodeOnce(shard.id, first!);
        first!.start();
        // A standby's first start copies the primary, so the primary must be up before standbys are created.
        await this.waitForPrimary(shard.id);
        for (const node of standbys) {
          this.createNodeOnce(shard.id, node);
          node.start();
        }
      }),
    );
    await this.waitUntilSettled();
    for (const shard of this.shards)
      say(`${shard.id} ready: ${shard.nodes.map((n) => n.address).join(', ')}`);
  }

  async stop(): Promise<void> {
    // Standbys first, so no primary is failed over while the cluster goes down.
    const byRole = await this.states().catch(() => [] as NodeState[]);
    const primaries = new Set(byRole.filter((s) => isPrimaryState(s.reportedState)).map((s) => s.address));
    const nodes = this.shards.flatMap((shard) => shard.nodes);
    await Promise.all(nodes.filter((n) => !primaries.has(n.address)).map((n) => n.stop()));
    await Promise.all(nodes.filter((n) => primaries.has(n.address)).map((n) => n.stop()));
    await this.monitor.stop();
  }

  /** Every node as the monitor sees it. */
  async states(): Promise<NodeState[]> {
    const sql = postgres(this.monitorUrl, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      const rows = await sql<
        {
          formationid: string;
          nodename: string;
          nodehost: string;
          nodeport: number;
          reportedstate: string;
          goalstate: string;
        }[]
      >`
        select formationid, nodename, nodehost, nodeport, reportedstate::text, goalstate::text
        from pgautofailover.node order by formationid, nodename`;
      return rows.map((r) => ({
        formation: r.formationid,
        name: r.nodename,
        address: `${r.nodehost}:${r.nodeport}`,
        reportedState: r.reportedstate,
        goalState: r.goalstate,
      }));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }

  /** The node the monitor reports as the shard's primary, if any. */
  async primaryOf(shardId: string): Promise<Keeper | undefined> {
    const states = await this.states();
    const primary = states.find(
      (s) => s.formation === shardId && isPrimaryState(s.reportedState) && s.goalState === s.reportedState,
    );
    return this.shardById(shardId).nodes.find((node) => node.address === primary?.address);
  }

  /** Waits until every shard has a primary and every standby is a synchronous-capable secondary. */
  async waitUntilSettled(timeoutMs = 120_000): Promise<void> {
    await poll(`the shards' nodes to settle`, timeoutMs, async () => {
      const states = await this.states();
      return this.shards.every((shard) => {
        const mine = states.filter((s) => s.formation === shard.id);
        return (
          mine.length === shard.nodes.length &&
          mine.every((s) => s.reportedState === s.goalState) &&
          mine.filter((s) => s.reportedState === 'primary').length === 1 &&
          mine.filter((s) => s.reportedState === 'secondary').length === shard.nodes.length - 1
        );
      });
    });
  }

  shardById(id: string): HaShard {
    const shard = this.shards.find((s) => s.id === id);
    if (!shard) throw new RangeError(`unknown shard: ${id}`);
    return shard;
  }

  private createMonitorOnce(): void {
    const { pgdata, port } = this.monitor.options;
    if (fs.existsSync(path.join(pgdata, 'PG_VERSION'))) return;
    runAutoctl(this.autoctl, this.createArgs('monitor', pgdata, port));
    runAutoctl(this.autoctl, [
      'config',
      'set',
      '--pgdata',
      pgdata,
      'postgresql.listen_addresses',
      '127.0.0.1',
    ]);
    appendSettings(
      pgdata,
      Object.entries(MONITOR_TIMING).map(([name, value]) => `${name} = ${value}`),
    );
  }

  private createFormationOnce(formation: string): void {
    try {
      runAutoctl(this.autoctl, [
        'create',
        'formation',
        '--pgdata',
        this.monitor.options.pgdata,
        '--formation',
        formation,
        '--kind',
        'pgsql',
        '--dbname',
        SHARD_DATABASE,
      ]);
    } catch (error) {
      if (!/already exists/.test(String(error))) throw error;
    }
  }

  private createNodeOnce(formation: string, node: Keeper): void {
    const { pgdata, port, name } = node.options;
    if (fs.existsSync(path.join(pgdata, 'PG_VERSION'))) return;
    runAutoctl(this.autoctl, [
      ...this.createArgs('postgres', pgdata, port),
      ...['--listen', '127.0.0.1', '--monitor', this.monitorUrl],
      ...['--formation', formation, '--dbname', SHARD_DATABASE, '--name', name],
    ]);
    const settings = ['max_connections = 300'];
    if (!this.options.durable) settings.push('fsync = off');
    appendSettings(pgdata, settings);
  }

  /**
   * What creating the monitor or a node shares: loopback only, and trust without TLS, which suits one
   * machine's loopback and nothing else (a deployment sets --auth and TLS of its own).
   */
  private createArgs(kind: 'monitor' | 'postgres', pgdata: string, port: number): string[] {
    return [
      ...['create', kind, '--pgdata', pgdata, '--pgport', String(port), '--pgctl', this.pgctl],
      ...['--hostname', '127.0.0.1', '--auth', 'trust', '--no-ssl'],
    ];
  }

  private get pgctl(): string {
    return path.join(this.autoctl.binDir, 'pg_ctl');
  }

  private async waitForMonitor(): Promise<void> {
    await poll('the pg_auto_failover monitor', 60_000, async () => {
      await this.states();
      return true;
    });
  }

  private async waitForPrimary(formation: string): Promise<void> {
    await poll(`a primary in ${formation}`, 120_000, async () => {
      const states = await this.states();
      return states.some((s) => s.formation === formation && isPrimaryState(s.reportedState));
    });
  }
}

/** States in which a node serves writes. */
function isPrimaryState(state: string): boolean {
  return state === 'single' || state === 'primary' || state === 'wait_primary';
}

function appendSettings(pgdata: string, lines: readonly string[]): void {
  const file = path.join(pgdata, 'postgresql.conf');
  if (fs.readFileSync(file, 'utf8').includes(SETTINGS_MARKER)) return;
  fs.appendFileSync(file, `\n${SETTINGS_MARKER}\n${lines.join('\n')}\n`);
}

/**
 * The ports of the monitor and of every node. A node keeps its port for life (pg_auto_failover records it),
 * so the ports chosen when the cluster was made are kept in `file` and used again on every start.
 */
async function clusterPorts(
  options: HaShardClusterOptions,
  file: string,
): Promise<{ monitor: number; nodes: number[][] }> {
  const perShard = options.replicas + 1;
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { monitor: number; nodes: number[][] };
    if (saved.nodes.length !== options.shards || saved.nodes.some((n) => n.length !== perShard)) {
      throw new Error(
        `${path.dirname(file)} holds ${saved.nodes.length} shard(s) of ${saved.nodes[0]?.length} node(s); SHARDS and SHARD_REPLICAS ask for ${options.shards} of ${perShard}: use another DATA_DIR`,
      );
    }
    return saved;
  }
  // Standbys bind theirs only once their primary is up, seconds after the choice.
  const port = async (offset: number) =>
    options.basePort !== undefined ? options.basePort + offset : freePortForLateBind();
  const monitor = await port(0);
  const nodes: number[][] = [];
  for (let i = 0; i < options.shards; i++) {
    const shard: number[] = [];
    for (let j = 0; j < perShard; j++) shard.push(await port(1 + i * perShard + j));
    nodes.push(shard);
  }
  fs.writeFileSync(file, JSON.stringify({ monitor, nodes }));
  return { monitor, nodes };
}

async function poll(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await done()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
