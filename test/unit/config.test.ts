import assert from 'node:assert/strict';
import { ConfigError, devSecretsInUse, loadConfig } from '../../config/env.js';

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

  it('listens on loopback and accepts tokens of at most 24 hours by default', () => {
    assert.equal(loadConfig(BASE).apiHost, '127.0.0.1');
    assert.equal(loadConfig({ ...BASE, API_HOST: '0.0.0.0' }).apiHost, '0.0.0.0');
    assert.equal(loadConfig(BASE).jwtMaxLifetimeSeconds, 24 * 3600);
    assert.equal(loadConfig({ ...BASE, JWT_MAX_LIFETIME_SECONDS: '600' }).jwtMaxLifetimeSeconds, 600);
    assert.throws(() => loadConfig({ ...BASE, JWT_MAX_LIFETIME_SECONDS: '0' }), /JWT_MAX_LIFETIME_SECONDS/);
  });

  it('keeps the analytics warehouse under .data with its export off unless an interval is set', () => {
    assert.deepEqual(loadConfig(BASE).analytics, {
      dbPath: '.data/analytics.duckdb',
      exportIntervalSeconds: 0,
    });
    assert.deepEqual(
      loadConfig({ ...BASE, ANALYTICS_DB_PATH: '/srv/a.duckdb', ANALYTICS_EXPORT_INTERVAL_SECONDS: '60' })
        .analytics,
      { dbPath: '/srv/a.duckdb', exportIntervalSeconds: 60 },
    );
    assert.throws(
      () => loadConfig({ ...BASE, ANALYTICS_EXPORT_INTERVAL_SECONDS: '1.5' }),
      /ANALYTICS_EXPORT_INTERVAL_SECONDS/,
    );
  });

  it('refuses the public default secrets a process uses, unless ALLOW_DEV_SECRETS=1', () => {
    assert.throws(() => devSecretsInUse('api', {}), /JWT_SECRET and PAYMENT_TOKEN_SECRET/);
    assert.throws(() => devSecretsInUse('order-worker', {}), /^ConfigError: PAYMENT_TOKEN_SECRET left/);
    assert.throws(() => devSecretsInUse('api', { JWT_SECRET: 'real' }), /^ConfigError: PAYMENT_TOKEN_SECRET/);
    assert.deepEqual(devSecretsInUse('warehouse-worker', {}), [], 'it reads neither secret');
    assert.deepEqual(devSecretsInUse('api', { ALLOW_DEV_SECRETS: '1' }), [
      'JWT_SECRET',
      'PAYMENT_TOKEN_SECRET',
    ]);
    assert.deepEqual(devSecretsInUse('order-worker', { ALLOW_DEV_SECRETS: '1' }), ['PAYMENT_TOKEN_SECRET']);
    assert.deepEqual(devSecretsInUse('api', { JWT_SECRET: 'a', PAYMENT_TOKEN_SECRET: 'b' }), []);
    assert.throws(
      () => devSecretsInUse('api', { ALLOW_DEV_SECRETS: 'yes' }),
      /ALLOW_DEV_SECRETS must be 0 or 1/,
    );
  });

  it('keeps shard order: the ring is built from positions in SHARD_URLS', () => {
    assert.deepEqual(loadConfig(BASE).db.shardUrls, BASE.SHARD_URLS.split(','));
  });
});
