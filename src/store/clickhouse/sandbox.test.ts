import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from '../../query/errors.js';
import { sandboxQuery } from './sandbox.js';

const P = '`kaudit`.`kaudit_events_local`';

test('kaudit_events is read from the physical table with FINAL, after any alias', () => {
  assert.equal(
    sandboxQuery('SELECT count() FROM kaudit_events AS log WHERE __time__ >= 1', { physicalEvents: P }),
    `SELECT count() FROM ${P} AS log FINAL WHERE __time__ >= 1`,
  );
  assert.equal(
    sandboxQuery('SELECT 1 FROM `kaudit_events` log', { physicalEvents: P }),
    `SELECT 1 FROM ${P} log FINAL`,
  );
  assert.equal(
    sandboxQuery('SELECT 1 FROM kaudit_events WHERE x', { physicalEvents: P }),
    `SELECT 1 FROM ${P} FINAL WHERE x`,
  );
  assert.equal(
    sandboxQuery('SELECT a FROM (SELECT a FROM kaudit_events) GROUP BY a', { physicalEvents: P }),
    `SELECT a FROM (SELECT a FROM ${P} FINAL) GROUP BY a`,
  );
  // Not touched inside string literals or when no physical table is given.
  assert.equal(
    sandboxQuery("SELECT 'FROM kaudit_events' FROM kaudit_events", { physicalEvents: P }),
    `SELECT 'FROM kaudit_events' FROM ${P} FINAL`,
  );
  assert.equal(sandboxQuery('SELECT 1 FROM kaudit_events'), 'SELECT 1 FROM kaudit_events');
});

test('anything but a SELECT over the events relation is refused', () => {
  const refused = (sql: string, re: RegExp) =>
    assert.throws(
      () => sandboxQuery(sql),
      (e: Error) => e instanceof QueryError && re.test(e.message),
      sql,
    );
  refused('DROP TABLE kaudit_events', /only a SELECT/);
  refused('SELECT 1; DROP TABLE x', /one statement/);
  refused("SELECT * FROM url('http://example.com/', CSV, 'a String')", /table functions/);
  refused('SELECT * FROM numbers(10)', /table functions/);
  refused('SELECT name FROM system.tables', /only kaudit_events, not system\.tables/);
  refused('SELECT * FROM kaudit_meta', /only kaudit_events, not kaudit_meta/);
  refused('SELECT * FROM kaudit_events WHERE x IN (SELECT value FROM kaudit_documents)', /kaudit_documents/);
  refused('SELECT * FROM kaudit_events e JOIN `kaudit`.`kaudit_meta` m ON 1', /not kaudit\.kaudit_meta/);
});

test('WITH names may be read like tables', () => {
  assert.equal(
    sandboxQuery('WITH t AS (SELECT verb FROM kaudit_events) SELECT * FROM t'),
    'WITH t AS (SELECT verb FROM kaudit_events) SELECT * FROM t',
  );
});
