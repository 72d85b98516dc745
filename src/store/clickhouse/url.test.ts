import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../cli/errors.js';
import { isClickHouseUrl, parseClickHouseUrl, redactPassword } from './url.js';

test('a full URL: HTTP endpoint, credentials, database; the location has no password', () => {
  const l = parseClickHouseUrl('clickhouse://audit:s%40cret@ch.example:9123/prod_audit', {});
  assert.equal(l.url, 'http://ch.example:9123');
  assert.equal(l.username, 'audit');
  assert.equal(l.password, 's@cret');
  assert.equal(l.database, 'prod_audit');
  assert.equal(l.location, 'clickhouse://audit@ch.example:9123/prod_audit');
  assert.doesNotMatch(l.location, /cret/);
});

test('defaults: port 8123 (8443 over TLS), user default, database kaudit, password from the environment', () => {
  const l = parseClickHouseUrl('clickhouse://ch.example', { KAUDIT_CLICKHOUSE_PASSWORD: 'pw' });
  assert.equal(l.url, 'http://ch.example:8123');
  assert.equal(l.username, 'default');
  assert.equal(l.password, 'pw');
  assert.equal(l.database, 'kaudit');
  const s = parseClickHouseUrl('clickhouses://u@ch.example/db', {});
  assert.equal(s.url, 'https://ch.example:8443');
  assert.equal(s.location, 'clickhouses://u@ch.example:8443/db');
});

test('bad URLs are refused with a sentence that never shows the password', () => {
  assert.throws(
    () => parseClickHouseUrl('clickhouse://u:topsecret@host/bad-name!', {}),
    (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.doesNotMatch(e.message, /topsecret/);
      assert.match(e.message, /database name/);
      return true;
    },
  );
  assert.throws(
    () => parseClickHouseUrl('clickhouse://u:topsecret@[bad', {}),
    (e: Error) => {
      assert.doesNotMatch(e.message, /topsecret/);
      return e instanceof UserError;
    },
  );
  assert.equal(redactPassword('clickhouse://u:pw@h:1/db'), 'clickhouse://u:***@h:1/db');
  assert.equal(isClickHouseUrl('clickhouse://h'), true);
  assert.equal(isClickHouseUrl('duckdb:///x'), false);
});

test('--store clickhouse://… is a ClickHouse location whose printable path has no password', async () => {
  const { storeLocation } = await import('../../cli/flags.js');
  const loc = storeLocation({ store: 'clickhouse://k:pw@ch1:8123/audit', chCluster: 'c2x2' });
  assert.deepEqual(loc, {
    kind: 'clickhouse',
    url: 'clickhouse://k:pw@ch1:8123/audit',
    path: 'clickhouse://k@ch1:8123/audit',
    chCluster: 'c2x2',
  });
  assert.throws(
    () => storeLocation({ db: 'x.duckdb', chCluster: 'c2x2' }),
    (e: Error) => e instanceof UserError && /--ch-cluster needs a ClickHouse store/.test(e.message),
  );
  assert.throws(
    () => storeLocation({ store: 'mysql://u:hunter2@h/db' }),
    (e: Error) => e instanceof UserError && !/hunter2/.test(e.message),
  );
});
