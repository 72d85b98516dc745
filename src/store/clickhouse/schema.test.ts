import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_COLUMNS } from '../../event/columns.js';
import { capabilitiesFor, parseVersion } from './capabilities.js';
import {
  columnType,
  createEventsTableSql,
  createSchemaSql,
  insertTable,
  quoteIdent,
  quoteString,
} from './schema.js';

const col = (name: string) => ALL_COLUMNS.find((c) => c.name === name)!;

test('column types follow the contract; LowCardinality only on servers that have it', () => {
  const old = capabilitiesFor('18.16.1');
  const cur = capabilitiesFor('24.8.4.13');
  assert.equal(columnType(col('_id'), old), 'String');
  assert.equal(columnType(col('__time__'), old), 'Int64');
  assert.equal(columnType(col('_time_us'), old), 'Int64');
  assert.equal(columnType(col('__tag__:__receive_time__'), old), 'Int64');
  assert.equal(columnType(col('cluster'), old), 'String');
  assert.equal(columnType(col('cluster'), cur), 'LowCardinality(String)');
  assert.equal(columnType(col('verb'), old), 'Nullable(String)');
  assert.equal(columnType(col('verb'), cur), 'LowCardinality(Nullable(String))');
  assert.equal(columnType(col('user.username'), cur), 'Nullable(String)');
  assert.equal(columnType(col('responseStatus.code'), old), 'Nullable(Int32)');
  assert.equal(columnType(col('requestObject'), old), 'Nullable(String)');
  assert.equal(columnType(col('_raw'), old), 'String');
  assert.equal(columnType(col('_text'), old), 'String');
});

test('the events table: receive-day partitions, common filters then identity as sorting key', () => {
  const sql = createEventsTableSql({ database: 'kaudit', version: '18.16.1' });
  assert.match(sql, /^CREATE TABLE IF NOT EXISTS `kaudit`\.`kaudit_events_local` \(/);
  assert.match(sql, /ENGINE = ReplacingMergeTree\(\)/);
  assert.match(sql, /PARTITION BY toYYYYMMDD\(toDateTime\(`__tag__:__receive_time__`, 'UTC'\)\)/);
  assert.match(
    sql,
    /ORDER BY \(cluster, __time__, ifNull\(verb, ''\), ifNull\(`objectRef\.resource`, ''\), _id\)/,
  );
  // Every catalogue column, the virtual bodies included, is a real column.
  for (const c of ALL_COLUMNS) assert.ok(sql.includes(`${quoteIdent(c.name)} `), c.name);
  assert.doesNotMatch(sql, /non_replicated_deduplication_window/);
  assert.match(
    createEventsTableSql({ database: 'kaudit', version: '24.8' }),
    /non_replicated_deduplication_window = 1000/,
  );
});

test('on a cluster: replicated local tables, a Distributed table sharded by identity, DDL ON CLUSTER', () => {
  const stmts = createSchemaSql({ database: 'audit', version: '18.16.1', cluster: 'c2x2' });
  for (const s of stmts) assert.match(s, /ON CLUSTER `c2x2`/);
  const local = stmts.find((s) => s.includes('`kaudit_events_local` ON CLUSTER'))!;
  assert.match(
    local,
    /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/audit\/kaudit_events_local', '\{replica\}'\)/,
  );
  const dist = stmts.find((s) => s.includes('`kaudit_events_dist`'))!;
  assert.match(dist, /ENGINE = Distributed\(`c2x2`, `audit`, `kaudit_events_local`, sipHash64\(_id\)\)/);
  const view = stmts.find((s) => s.includes('CREATE VIEW'))!;
  assert.match(view, /FROM `audit`\.`kaudit_events_dist` FINAL$/);
  const meta = stmts.find((s) => s.includes('`kaudit_meta`'))!;
  // One full copy of the small tables on every node: no {shard} in their path.
  assert.match(
    meta,
    /ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/all\/audit\/kaudit_meta', '\{replica\}', version\)/,
  );
  assert.equal(insertTable({ cluster: 'c2x2' }), 'kaudit_events_dist');
  assert.equal(insertTable({}), 'kaudit_events_local');
});

test('single server: no ON CLUSTER, the view reads the local table with FINAL', () => {
  const stmts = createSchemaSql({ database: 'kaudit', version: '18.16.1' });
  for (const s of stmts) assert.doesNotMatch(s, /ON CLUSTER|Replicated|Distributed/);
  assert.ok(
    stmts.some((s) =>
      /CREATE VIEW IF NOT EXISTS `kaudit`\.`kaudit_events` AS\nSELECT .* FROM `kaudit`\.`kaudit_events_local` FINAL$/.test(
        s,
      ),
    ),
  );
});

test('quoting escapes backquotes, quotes and backslashes', () => {
  assert.equal(quoteIdent('a`b'), '`a\\`b`');
  assert.equal(quoteString("it's \\ here"), "'it\\'s \\\\ here'");
});

test('capabilities follow the version', () => {
  assert.deepEqual(parseVersion('18.16.1'), [18, 16, 1]);
  assert.deepEqual(parseVersion('24.8.4.13'), [24, 8, 4]);
  const old = capabilitiesFor('18.16.1');
  assert.equal(old.lowCardinality, false);
  assert.equal(old.jsonExtract, false);
  assert.equal(old.hasToken, false);
  assert.equal(old.insertDeduplicationToken, false);
  const cur = capabilitiesFor('26.1.1');
  assert.equal(cur.lowCardinality && cur.jsonExtract && cur.hasToken && cur.insertDeduplicationToken, true);
  assert.equal(capabilitiesFor('19.4.0').jsonExtract, false);
  assert.equal(capabilitiesFor('19.5.2').jsonExtract, true);
  assert.throws(() => parseVersion('unknown'));
});
