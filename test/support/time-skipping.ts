/**
 * Time-skipping Temporal environments for workflow tests whose timers are long (a 5-minute reservation
 * TTL runs in a moment). The server is the Java test server from Maven Central, started through the
 * wrapper that scripts/install-time-skipping-server.mjs writes (the SDK's own download is unreachable here).
 *
 * Use one environment per test file, created in `before` (allow minutes for the first install) and
 * torn down in `after`; time skipping is global to an environment, so run its workflows serially.
 *
 * Like the SDK's own test server, it starts with time skipping locked (the SDK passes only the port, not
 * `--enable-time-skipping`): time jumps only while something awaits a result through `env.client`
 * (`execute`, `handle.result()`) or during `env.sleep()`. A workflow awaited any other way (a query or
 * update loop, another client) sees real time.
 */
import fs from 'node:fs';
import protos from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

interface Installer {
  ensureTimeSkippingServer(log?: (message: string) => void): Promise<string>;
}

/** A plain .mjs script (no declarations), loaded by URL so the type checker does not resolve it. */
const INSTALLER_URL = new URL('../../scripts/install-time-skipping-server.mjs', import.meta.url).href;

/** The SDK waits 5 s for the server to answer; a start that misses that on a loaded machine is retried. */
const START_ATTEMPTS = 3;

/**
 * The test server's executable: TEMPORAL_TEST_SERVER when set, else the repo's wrapper, installed
 * (and kept current with the pinned version) by the installer, which does nothing when it is up to date.
 */
export async function timeSkippingServerPath(log?: (message: string) => void): Promise<string> {
  const explicit = process.env['TEMPORAL_TEST_SERVER'];
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`TEMPORAL_TEST_SERVER=${explicit} does not exist`);
    return explicit;
  }
  const installer = (await import(INSTALLER_URL)) as Installer;
  return await installer.ensureTimeSkippingServer(log);
}

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await timeSkippingServerPath();
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path } },
      });
    } catch (error) {
      // The SDK kills a server that missed its start-up deadline before it throws.
      const slowStart = error instanceof Error && /did not start within/.test(error.message);
      if (!slowStart || attempt >= START_ATTEMPTS) throw error;
      console.warn(`  time-skipping test server was slow to start (attempt ${attempt}); retrying`);
    }
  }
}

/**
 * The test server rejects upserts of search attributes it does not know; unlike the dev server it has
 * no start-up flag for them, but it implements OperatorService.addSearchAttributes.
 */
export async function registerOrderSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const keyword = protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, keyword])),
  });
}
