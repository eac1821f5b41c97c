/**
 * GET /health: liveness of the API plus each dependency (Temporal, every shard with its nodes). 503 names what
 * is down; a shard is up while it has a writable primary.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ShardNode } from '../../db/replicas/shard-nodes.js';
import { doNotStore } from '../cache-control.js';
import { newRouter } from '../router.js';
import { jsonContent } from '../schemas/common.js';

export interface DependencyProbe {
  name: string;
  check(): Promise<void>;
  /** A shard: its check passes while it has a writable primary (also exported as a metric). */
  shard?: boolean;
  /** A shard's nodes, listed alongside its check (a standby that is down does not fail the shard). */
  nodes?(): Promise<ShardNode[]>;
}

export interface DependencyHealth {
  name: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
  nodes?: ShardNode[];
}

const PROBE_TIMEOUT_MS = 2_000;

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    down: z.array(z.string()).optional().openapi({ description: 'Dependencies that failed their probe' }),
    dependencies: z.array(
      z.object({
        name: z.string(),
        ok: z.boolean(),
        latencyMs: z.number(),
        error: z.string().optional(),
        nodes: z
          .array(
            z.object({
              address: z.string().openapi({ example: '127.0.0.1:55433' }),
              role: z.enum(['primary', 'standby', 'unknown']),
              ok: z.boolean(),
              lagBytes: z.number().int().nullable().openapi({
                description:
                  "A standby's replay lag behind the primary's WAL; null when either did not answer",
              }),
              error: z.string().optional(),
            }),
          )
          .optional()
          .openapi({ description: "A shard's nodes: its primary and standbys, each asked directly" }),
      }),
    ),
  })
  .openapi('Health');

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Liveness with each dependency: the Temporal connection and every shard',
  responses: {
    200: jsonContent(HealthSchema, 'Every dependency answered'),
    503: jsonContent(HealthSchema, 'Some dependency is down (named in `down`)'),
  },
});

export async function probe(dep: DependencyProbe): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      dep.check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { name: dep.name, ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: dep.name, ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

async function probeWithNodes(dep: DependencyProbe): Promise<DependencyHealth> {
  const [health, nodes] = await Promise.all([probe(dep), dep.nodes?.()]);
  return nodes === undefined ? health : { ...health, nodes };
}

export function healthRoutes(probes: readonly DependencyProbe[]) {
  return newRouter().openapi(health, async (c) => {
    const dependencies = await Promise.all(probes.map(probeWithNodes));
    const down = dependencies.filter((d) => !d.ok).map((d) => d.name);
    doNotStore(c);
    if (down.length === 0) return c.json({ status: 'ok' as const, dependencies }, 200);
    return c.json({ status: 'degraded' as const, down, dependencies }, 503);
  });
}
