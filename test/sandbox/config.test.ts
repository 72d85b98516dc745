// The second wall of the sandbox on a real file-backed store: raw DuckDB SQL sent straight to one of
// the store's own connections, with neither the query compiler nor querySql's statement check in
// front. What stops each attack here is DuckDB's configuration (src/store/duckdb/sandbox.ts),
// applied by the store when it opens. The last test goes through store.querySql, which adds the
// one-read-only-statement check.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDbStore, type DuckDbStore } from '../../src/store/duckdb/index.js';
import { addEvents } from '../../src/store/duckdb/testing.js';
import { SANDBOX_EVENTS } from './events.js';

let root: string;
let store: DuckDbStore;
let raw: DuckDBConnection;
let secret: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'kaudit-sandbox-config-'));
  mkdirSync(join(root, 'outside'));
  secret = join(root, 'outside', 'secret.csv');
  writeFileSync(secret, 'user,password\nroot,hunter2\n');
  store = await openDuckDbStore({ path: join(root, 'data', 'kaudit.duckdb') });
  await addEvents(store, SANDBOX_EVENTS);
  raw = await store.connect();
});

after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

const FILES_DISABLED = /Permission Error: .*disabled by configuration/;
const LOCKED = /the configuration has been locked/;

async function refused(sql: string, pattern: RegExp): Promise<void> {
  await assert.rejects(raw.run(sql), pattern, sql);
}

test('the store is confined and locked once open', async () => {
  const { rows } = await store.querySql(
    "SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')",
  );
  assert.deepEqual(rows, [[false, true, false, false]]);
  const dirs = (await store.querySql("SELECT current_setting('allowed_directories')")).rows[0][0] as string[];
  // Only the store's own directory (file, partitions, spill directory beside the file).
  const dataDir = join(root, 'data') + '/';
  assert.ok(dirs.length > 0);
  for (const dir of dirs) assert.ok(dir.startsWith(dataDir), `${dir} is inside ${dataDir}`);
});

test('SELECT * FROM read_csv(...) and friends are refused by DuckDB itself', async () => {
  await refused("SELECT * FROM read_csv('/etc/passwd')", FILES_DISABLED);
  await refused(`SELECT * FROM read_csv('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_text('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_json('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_blob('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM glob('${root}/outside/*')`, FILES_DISABLED);
  await refused(`SELECT * FROM sniff_csv('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_csv('${root}/data/../outside/secret.csv')`, FILES_DISABLED);
  // query() runs its text under the same configuration.
  await refused(`SELECT * FROM query('SELECT * FROM read_csv(''${secret}'')')`, FILES_DISABLED);
});

test('writing, attaching and extensions are refused', async () => {
  const out = join(root, 'outside', 'out.csv');
  await refused(`COPY (SELECT 1) TO '${out}'`, FILES_DISABLED);
  await refused(`ATTACH '${join(root, 'outside', 'x.duckdb')}' AS x`, FILES_DISABLED);
  await refused('INSTALL httpfs', FILES_DISABLED);
  await refused('LOAD httpfs', /Loading external extensions is disabled/);
  assert.equal(existsSync(out), false);
});

test('settings cannot be changed', async () => {
  await refused("SET memory_limit = '100GB'", LOCKED);
  await refused('SET enable_external_access = true', LOCKED);
  await refused("SET allowed_directories = ['/']", LOCKED);
  await refused('RESET lock_configuration', LOCKED);
  await refused("PRAGMA memory_limit = '100GB'", LOCKED);
  await refused("SELECT getenv('HOME')", /getenv does not exist/);
});

test('ingest keeps working after the lock: a new day partition is attached inside the store', async () => {
  const later = await openDuckDbStore({
    path: join(root, 'data2', 'kaudit.duckdb'),
    now: () => Date.UTC(2026, 0, 5) / 1000,
  });
  try {
    await addEvents(later, SANDBOX_EVENTS.slice(0, 2));
    const { rows } = await later.querySql('SELECT count(*)::INT FROM kaudit_events');
    assert.deepEqual(rows, [[2]]);
  } finally {
    await later.close();
  }
});

test('store.querySql runs one read-only statement and nothing else', async () => {
  const kinds: [string, RegExp][] = [
    ['CREATE TEMP TABLE x AS SELECT 1', /this is a CREATE statement/],
    ['SELECT 1; SELECT 2', /exactly one statement; this one has 2/],
    ['DROP VIEW kaudit_events', /this is a DROP statement/],
    ["INSERT INTO main.kaudit_rejects VALUES (0, 'x', 1, 'y', 'z')", /this is a INSERT statement/],
    ['DELETE FROM main.kaudit_rejects', /this is a DELETE statement/],
    ["SET memory_limit = '1GB'", /this is a SET statement/],
    ['CHECKPOINT', /Only SELECT queries may run/],
  ];
  for (const [sql, pattern] of kinds) await assert.rejects(store.querySql(sql), pattern, sql);
  assert.deepEqual((await store.querySql('SELECT count(*)::INT FROM kaudit_events')).rows, [[5]]);
});
