/**
 * Safe by default at start-up: the public default secrets are refused unless ALLOW_DEV_SECRETS=1 (and
 * then every process that uses them says so), and the API listens on loopback unless API_HOST says
 * otherwise. The real entry points, started as processes.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { api, type RunningPlatform, startPlatform } from '../support/platform.js';

/** A non-loopback IPv4 address of this machine, when it has one. */
function outsideAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function exitOf(platform: RunningPlatform, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ([...platform.processes.values()].some((p) => p.pid !== undefined)) {
    if (Date.now() > deadline) assert.fail(`still running:\n${platform.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const portOf = (platform: RunningPlatform) => Number(new URL(platform.baseUrl).port);

describe('start-up: development secrets and the listening address', function () {
  this.timeout(180_000);
  const started: RunningPlatform[] = [];
  after(async () => {
    await Promise.all(started.map((p) => p.stop()));
  });

  for (const name of ['api', 'order-worker'] as const) {
    it(`${name} refuses to start on the public default secrets without ALLOW_DEV_SECRETS`, async () => {
      // JWT_SECRET empty is unset: its default applies, as PAYMENT_TOKEN_SECRET's does.
      const platform = await startPlatform({ ALLOW_DEV_SECRETS: '0', JWT_SECRET: '' }, [name], {
        waitUntilHealthy: false,
      });
      started.push(platform);
      await exitOf(platform);
      const output = platform.output.join('\n');
      const named = name === 'api' ? /JWT_SECRET and PAYMENT_TOKEN_SECRET/ : /: PAYMENT_TOKEN_SECRET left/;
      assert.match(output, /left at the public development default/, output);
      assert.match(output, named, output);
    });
  }

  it('with ALLOW_DEV_SECRETS=1 the processes that use a default secret start and say so', async () => {
    const platform = await startPlatform();
    started.push(platform);
    assert.equal((await api(platform, 'GET', '/health')).status, 200);
    const warning = (process: string) =>
      platform.output.find(
        (line) => line.startsWith(`[${process}]`) && /using development secrets/.test(line),
      );
    assert.match(warning('api') ?? '', /PAYMENT_TOKEN_SECRET/, 'the API warns');
    assert.match(warning('order-worker') ?? '', /PAYMENT_TOKEN_SECRET/, 'the order worker warns');
    assert.equal(warning('warehouse-worker'), undefined, 'the warehouse worker uses no secret');
  });

  it('the API listens on 127.0.0.1 by default, and on every interface with API_HOST=0.0.0.0', async () => {
    const loopback = await startPlatform({ LOG_LEVEL: 'info' }, ['api']);
    started.push(loopback);
    assert.ok(
      loopback.output.some((line) => /api listening/.test(line) && /"host":"127\.0\.0\.1"/.test(line)),
      loopback.output.join('\n'),
    );
    assert.equal(await connects('127.0.0.1', portOf(loopback)), true);
    const everywhere = await startPlatform({ API_HOST: '0.0.0.0' }, ['api']);
    started.push(everywhere);
    const outside = outsideAddress();
    assert.ok(outside, 'this machine has a non-loopback address to try');
    assert.equal(await connects(outside, portOf(loopback)), false, 'loopback only: refused from outside');
    assert.equal(await connects(outside, portOf(everywhere)), true, 'API_HOST=0.0.0.0: reachable');
  });
});
