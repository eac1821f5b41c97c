/** Mocha global fixtures: the shared Temporal dev server and shards live for the whole run. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startTestStack, stopTestStack } from './stack.js';

export async function mochaGlobalSetup(): Promise<void> {
  // Workers started in-process log their lifecycle at INFO; tests only need warnings.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const started = Date.now();
  const stack = await startTestStack();
  console.log(
    `  test stack: Temporal ${stack.temporalAddress}, shards ${stack.shardUrls.join(' ')} (${Date.now() - started} ms)`,
  );
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestStack();
}
