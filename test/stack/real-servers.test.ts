import assert from 'node:assert/strict';
import postgres from 'postgres';
import { testStack } from '../support/stack.js';

describe('the test stack', () => {
  it('runs a real PostgreSQL server per shard, each its own database', async () => {
    const { shardUrls } = testStack();
    assert.equal(shardUrls.length, 2);
    const ports = new Set<string>();
    for (const url of shardUrls) {
      const sql = postgres(url, { max: 1 });
      try {
        const [row] = await sql<
          { v: string; port: number }[]
        >`select version() as v, inet_server_port() as port`;
        assert.match(row!.v, /^PostgreSQL \d+/);
        ports.add(String(row!.port));
      } finally {
        await sql.end();
      }
    }
    assert.equal(ports.size, 2, 'each shard is a separate server');
  });

  it('runs a real Temporal dev server with the order search attributes registered', async () => {
    const { temporal } = testStack();
    const response = await temporal.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    assert.equal(response.customAttributes['OrderStatus'], 2 /* KEYWORD */);
    assert.equal(response.customAttributes['CustomerId'], 2);
  });
});
