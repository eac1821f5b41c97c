/** N local PostgreSQL shards, each its own server, port and data directory. */
import net from 'node:net';
import path from 'node:path';
import { serverUser } from './os-user.js';
import { type PgProvider, resolvePgBinaries } from './postgres-binaries.js';
import { PostgresServer, reachableDataDir } from './postgres-server.js';

export interface ShardClusterOptions {
  count: number;
  /** Directory holding `shard-<i>` data directories. */
  baseDir: string;
  /** Where data directories go when the postgres OS user cannot reach baseDir (root + closed parent). */
  fallbackDir: string;
  provider: PgProvider;
  /** Fixed ports (shard i gets basePort + i); omitted → free loopback ports. */
  basePort?: number;
  durable: boolean;
  onProgress?: (message: string) => void;
  /** Called when a shard's postmaster exits without being stopped (a supervisor restarts it). */
  onUnexpectedExit?: (server: PostgresServer, code: number | null, signal: NodeJS.Signals | null) => void;
}

export class ShardCluster {
  private constructor(readonly servers: PostgresServer[]) {}

  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  static async start(options: ShardClusterOptions): Promise<ShardCluster> {
    const runAs = serverUser();
    const binaries = resolvePgBinaries(options.provider, runAs);
    options.onProgress?.(`PostgreSQL ${binaries.version} (${binaries.provider}) from ${binaries.binDir}`);
    const servers: PostgresServer[] = [];
    for (let i = 0; i < options.count; i++) {
      const name = `shard-${i}`;
      const port = options.basePort !== undefined ? options.basePort + i : await freePort();
      const dataDir = reachableDataDir(path.join(options.baseDir, name), runAs, options.fallbackDir);
      const server: PostgresServer = new PostgresServer({
        name,
        dataDir,
        port,
        binaries,
        runAs,
        durable: options.durable,
        onUnexpectedExit: (code, signal) => options.onUnexpectedExit?.(server, code, signal),
      });
      servers.push(server);
    }
    const cluster = new ShardCluster(servers);
    try {
      await Promise.all(
        servers.map(async (server) => {
          await server.start();
          options.onProgress?.(`${server.name} ready on port ${server.options.port}`);
        }),
      );
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not allocate a free port'));
      });
    });
  });
}

/**
 * Below the kernel's ephemeral range (32768 and up, where `freePort` picks and where outgoing connections
 * get their local ports): a port chosen here stays free for a server that binds it only later, since no
 * client connection can take it meanwhile.
 */
const LATE_BIND_PORTS = { from: 20_000, to: 32_767 };

/** A free loopback port below 32768, for a server that binds it some time after it is chosen. */
export async function freePortForLateBind(): Promise<number> {
  const { from, to } = LATE_BIND_PORTS;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${to}`);
}

/** The first of `count` consecutive free loopback ports (a shard cluster's base port). */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freePort();
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => portIsFree(base + i + 1)));
    if (rest.every(Boolean)) return base;
  }
  throw new Error(`could not find ${count} consecutive free ports`);
}

/** Whether a loopback port can be bound now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
