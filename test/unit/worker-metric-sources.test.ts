/**
 * The sources of the workers' platform metrics, without a server: the open-order counts Temporal's
 * visibility is asked for, and how the payment gateway's calls are counted.
 */
import assert from 'node:assert/strict';
import { createLogger } from '../../observability/logger.js';
import type { GatewayOperation, GatewayOutcome } from '../../observability/platform-metrics.js';
import { InvalidPaymentTokenError, type PaymentGateway } from '../../payment-gateway/gateway.js';
import { meteredGateway } from '../../payment-gateway/metered-gateway.js';
import { OPEN_ORDER_STATUSES, startOpenOrdersGauge } from '../../workers/open-orders-gauge.js';

const until = async (holds: () => boolean) => {
  for (let i = 0; i < 200 && !holds(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(holds(), 'never held');
};

describe('open-orders gauge', () => {
  const NOW = Date.parse('2026-12-02T12:00:00.000Z');

  function gaugeOver(countOf: (query: string) => number | Error) {
    const queries: string[] = [];
    const open = new Map<string, number>();
    let overdue: number | undefined;
    const logged: string[] = [];
    const gauge = startOpenOrdersGauge({
      connection: {
        workflowService: {
          countWorkflowExecutions: async ({ query }: { query: string }) => {
            queries.push(query);
            const count = countOf(query);
            if (count instanceof Error) throw count;
            return { count };
          },
        },
      } as never,
      namespace: 'default',
      taskQueue: 'orders',
      metrics: { ordersOpen: (status, n) => open.set(status, n), payingOverdue: (n) => (overdue = n) },
      logger: createLogger('test', 'warn', (line) => {
        logged.push(line);
        return true;
      }),
      payingOverdueAfterMs: 600_000,
      intervalMs: 60_000,
      now: () => NOW,
    });
    return { gauge, queries, open, overdue: () => overdue, logged };
  }

  it('counts running orders of its queue per open status, and PAYING ones begun before the bound', async () => {
    const counts: Record<string, number> = { RESERVED: 3, PAYING: 2, PENDING: 7 };
    const g = gaugeOver((query) => {
      if (query.includes('StartTime')) return 1;
      return counts[/OrderStatus = "(\w+)"/.exec(query)![1]!] ?? 0;
    });
    await until(() => g.overdue() !== undefined);
    g.gauge.stop();
    assert.deepEqual(Object.fromEntries(g.open), {
      RESERVED: 3,
      PAYING: 2,
      PENDING: 7,
      PARTIALLY_SHIPPED: 0,
      SHIPPED: 0,
    });
    assert.deepEqual([...g.open.keys()], [...OPEN_ORDER_STATUSES]);
    assert.equal(g.overdue(), 1);
    for (const query of g.queries)
      assert.match(query, /^TaskQueue = "orders" AND ExecutionStatus = "Running" AND /);
    assert.ok(
      g.queries.includes(
        'TaskQueue = "orders" AND ExecutionStatus = "Running" AND OrderStatus = "PAYING" AND StartTime < "2026-12-02T11:50:00.000Z"',
      ),
      g.queries.join('\n'),
    );
  });

  it('keeps its last values and warns once when visibility cannot be asked', async () => {
    const g = gaugeOver(() => new Error('unavailable'));
    await until(() => g.logged.length > 0);
    g.gauge.stop();
    assert.equal(g.open.size, 0);
    assert.equal(g.overdue(), undefined);
    assert.equal(g.logged.length, 1);
    assert.match(g.logged[0]!, /could not count open orders/);
  });
});

describe('metered payment gateway', () => {
  it('counts each call by operation and outcome, and passes answers and errors through', async () => {
    const counted: string[] = [];
    let authorizeAnswer: 'APPROVED' | 'DECLINED' | Error = 'APPROVED';
    const gateway = meteredGateway(
      {
        authorize: async () => {
          if (authorizeAnswer instanceof Error) throw authorizeAnswer;
          return authorizeAnswer === 'DECLINED'
            ? { status: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' }
            : { status: 'AUTHORIZED', authorizationId: 'a-1' };
        },
        capture: async () => ({ captureId: 'c-1' }),
        void: async () => {},
        refund: async () => {
          throw new Error('gateway down');
        },
        findAuthorization: async () => undefined,
        tokenize: async () => {
          throw new Error('not counted');
        },
      } as unknown as PaymentGateway,
      (operation: GatewayOperation, outcome: GatewayOutcome) => counted.push(`${operation}:${outcome}`),
    );
    const request = {} as never;
    assert.deepEqual(await gateway.authorize(request), { status: 'AUTHORIZED', authorizationId: 'a-1' });
    authorizeAnswer = 'DECLINED';
    assert.equal((await gateway.authorize(request)).status, 'DECLINED');
    authorizeAnswer = new InvalidPaymentTokenError('expired');
    await assert.rejects(gateway.authorize(request), InvalidPaymentTokenError);
    authorizeAnswer = new Error('timeout');
    await assert.rejects(gateway.authorize(request), /timeout/);
    await gateway.capture(request);
    await gateway.void(request);
    await assert.rejects(gateway.refund(request), /gateway down/);
    assert.equal(await gateway.findAuthorization(request), undefined);
    await assert.rejects(gateway.tokenize(request), /not counted/);
    assert.deepEqual(counted, [
      'authorize:ok',
      'authorize:declined',
      'authorize:declined',
      'authorize:error',
      'capture:ok',
      'void:ok',
      'refund:error',
      'find:ok',
    ]);
  });
});
