/** GET /health: liveness of the API plus each dependency (Temporal, every shard). 503 names what is down. */
import { Hono } from 'hono';

export interface DependencyProbe {
  name: string;
  check(): Promise<void>;
}

export interface DependencyHealth {
  name: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

const PROBE_TIMEOUT_MS = 2_000;

async function probe(dep: DependencyProbe): Promise<DependencyHealth> {
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

export function healthRoutes(probes: readonly DependencyProbe[]): Hono {
  const app = new Hono();
  app.get('/health', async (c) => {
    const dependencies = await Promise.all(probes.map(probe));
    const down = dependencies.filter((d) => !d.ok).map((d) => d.name);
    c.header('Cache-Control', 'no-store');
    if (down.length === 0) return c.json({ status: 'ok', dependencies }, 200);
    return c.json({ status: 'degraded', down, dependencies }, 503);
  });
  return app;
}
