// The store's schema on a current ClickHouse (chdb embeds 26.x in-process; Debian's 18.16 server is
// covered by store.test.ts): every statement of a new store runs, and the server-side half of
// exactly-once holds — a block retried with the same insert_deduplication_token is dropped by the
// server, and copies that slip through (two writers) are one row through the FINAL view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { capabilitiesFor } from '../../src/store/clickhouse/capabilities.js';
import { clickHouseRows } from '../../src/store/clickhouse/rows.js';
import { createSchemaSql } from '../../src/store/clickhouse/schema.js';
import { requireOrSkip } from '../e2e/requirements.js';
import { testRows } from './events.js';

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup(): void;
}

function loadChdb(): { Session: new () => ChdbSession } | string {
  const source = new URL('./package.json', import.meta.url);
  const fromDist = new URL('../../../test/clickhouse/package.json', import.meta.url);
  try {
    return createRequire(existsSync(source) ? source : fromDist)('chdb') as {
      Session: new () => ChdbSession;
    };
  } catch (e) {
    return `chdb is not installed in test/clickhouse (run: cd test/clickhouse && npm ci): ${(e as Error).message.split('\n')[0]}`;
  }
}

const chdb = loadChdb();
let s: ChdbSession | undefined;

before(() => {
  if (typeof chdb !== 'string') s = new chdb.Session();
});
after(() => s?.cleanup());

const scalar = (sql: string) => Number(s!.query(sql, 'TSV').trim());

test('a new store on a current ClickHouse: schema, deduplication token, FINAL view', async (t) => {
  if (!requireOrSkip(t, typeof chdb !== 'string', String(chdb))) return;
  const version = s!.query('SELECT version()', 'TSV').trim();
  const caps = capabilitiesFor(version);
  assert.equal(caps.insertDeduplicationToken, true, `chdb ${version}`);
  for (const sql of createSchemaSql({ database: 'kdedup', version: caps })) s!.query(sql);
  const cols = s!.query(
    "SELECT name, type FROM system.columns WHERE database = 'kdedup' AND table = 'kaudit_events_local' AND name IN ('verb', 'cluster', '_id') ORDER BY name",
    'TSV',
  );
  assert.deepEqual(cols.trim().split('\n'), [
    '_id\tString',
    'cluster\tLowCardinality(String)',
    'verb\tLowCardinality(Nullable(String))',
  ]);
  const rows = await clickHouseRows(testRows(0, 50));
  const body = rows.map((r) => JSON.stringify(r)).join('\n');
  const insert = (token: string) =>
    s!.query(
      `INSERT INTO kdedup.kaudit_events_local SETTINGS insert_deduplication_token = '${token}' FORMAT JSONEachRow\n${body}`,
    );
  insert('batch-a');
  insert('batch-a'); // a retry of the same block: dropped by the server
  assert.equal(scalar('SELECT count() FROM kdedup.kaudit_events_local'), 50);
  insert('batch-b'); // the same events from another writer: stored, but one row to every reader
  assert.equal(scalar('SELECT count() FROM kdedup.kaudit_events_local'), 100);
  assert.equal(scalar('SELECT count() FROM kdedup.kaudit_events'), 50);
});
