import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../config/env.js';

const BASE = { SHARD_URLS: 'postgres://a@127.0.0.1:1/orders,postgres://a@127.0.0.1:2/orders' };

describe('config', () => {
  it('holds a checkout for 5 minutes by default', () => {
    assert.equal(loadConfig(BASE).reservationTtlSeconds, 300);
  });

  it('takes the reservation TTL per deployment', () => {
    assert.equal(loadConfig({ ...BASE, RESERVATION_TTL_SECONDS: '90' }).reservationTtlSeconds, 90);
  });

  it('rejects bad values with the variable named', () => {
    assert.throws(() => loadConfig({ ...BASE, RESERVATION_TTL_SECONDS: '-5' }), /RESERVATION_TTL_SECONDS/);
    assert.throws(() => loadConfig({ ...BASE, PAYMENT_FAILURE_RATE: '1.5' }), /PAYMENT_FAILURE_RATE/);
    assert.throws(() => loadConfig({ ...BASE, LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    assert.throws(() => loadConfig({ SHARD_URLS: 'mysql://x' }), ConfigError);
    assert.throws(() => loadConfig({}), /SHARD_URLS is required/);
  });

  it('keeps shard order: the ring is built from positions in SHARD_URLS', () => {
    assert.deepEqual(loadConfig(BASE).db.shardUrls, BASE.SHARD_URLS.split(','));
  });
});
