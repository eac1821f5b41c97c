import assert from 'node:assert/strict';
import { parseShardUrls } from '../../config/env.js';
import { lsnBytes } from '../../db/replicas/shard-nodes.js';
import {
  hostsOf,
  sessionAttrsOf,
  singleNodeUrl,
  splitShardUrls,
  withSessionAttrs,
} from '../../db/replicas/shard-url.js';

const HA_0 = 'postgres://postgres@10.0.0.1:5432,10.0.0.2:5433/orders?target_session_attrs=primary';
const HA_1 = 'postgresql://app:secret@db-1a:5432,db-1b:5432,db-1c:5432/orders?sslmode=disable';

describe('shard URLs', () => {
  it('splits SHARD_URLS into shards where a scheme follows the comma, keeping multi-host URLs whole', () => {
    assert.deepEqual(splitShardUrls(`${HA_0},${HA_1}`), [HA_0, HA_1]);
    assert.deepEqual(splitShardUrls(`postgres://a:1/x, postgres://b:2/x,`), [
      'postgres://a:1/x',
      'postgres://b:2/x',
    ]);
    assert.deepEqual(parseShardUrls(`${HA_0} , ${HA_1}`), [HA_0, HA_1]);
  });

  it('names every node of a shard, in order', () => {
    assert.deepEqual(hostsOf(HA_0), ['10.0.0.1:5432', '10.0.0.2:5433']);
    assert.deepEqual(hostsOf(HA_1), ['db-1a:5432', 'db-1b:5432', 'db-1c:5432']);
    assert.deepEqual(hostsOf('postgres://postgres@127.0.0.1:55432/orders'), ['127.0.0.1:55432']);
  });

  it('sets session attributes without touching the rest', () => {
    const standby = withSessionAttrs(HA_1, 'prefer-standby');
    assert.equal(sessionAttrsOf(standby), 'prefer-standby');
    assert.match(standby, /sslmode=disable/);
    assert.equal(sessionAttrsOf(withSessionAttrs(HA_0, 'primary')), 'primary');
    assert.equal(sessionAttrsOf(withSessionAttrs('postgres://u@h:1/db', 'primary')), 'primary');
  });

  it('points at one node with no session attributes, keeping the other parameters', () => {
    assert.equal(singleNodeUrl(HA_0, '10.0.0.2:5433'), 'postgres://postgres@10.0.0.2:5433/orders');
    assert.equal(
      singleNodeUrl(HA_1, 'db-1b:5432'),
      'postgresql://app:secret@db-1b:5432/orders?sslmode=disable',
    );
  });

  it('reads a WAL position as bytes', () => {
    assert.equal(lsnBytes('0/0'), 0n);
    assert.equal(lsnBytes('0/3000148'), 0x3000148n);
    assert.equal(lsnBytes('1/0') - lsnBytes('0/FFFFFFFF'), 1n);
  });
});
