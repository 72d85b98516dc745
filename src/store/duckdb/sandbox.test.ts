// The DuckDB side of the sandbox alone: raw SQL sent straight to a sandboxed connection, with no
// query compiler in front. Each refusal here is DuckDB's configuration at work.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  QueryTimeoutError,
  defaultCheckpointThreshold,
  defaultMemoryLimit,
  lockSandbox,
  prepareReadOnlySelect,
  sandboxInstanceOptions,
  sandboxLimitsFromEnv,
  withQueryTimeout,
} from './sandbox.js';
import { QueryError } from '../../query/errors.js';

let root: string;
let dataDir: string;
let tempDir: string;
let outside: string;
let instance: DuckDBInstance;
let conn: DuckDBConnection;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'kaudit-sandbox-'));
  dataDir = join(root, 'store.duckdb.parts');
  tempDir = join(root, 'spill');
  outside = join(root, 'outside');
  mkdirSync(dataDir);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), 'a,b\n1,2\n');
  instance = await DuckDBInstance.create(
    join(root, 'store.duckdb'),
    sandboxInstanceOptions(dataDir, tempDir, {
      memoryLimit: '256MB',
      maxTempDirectorySize: '1GB',
      threads: 2,
    }),
  );
  conn = await instance.connect();
  await conn.run(`ATTACH '${join(dataDir, 'events-20260101.duckdb')}' AS p1`);
  await conn.run('CREATE TABLE p1.events AS SELECT range AS n FROM range(10)');
  await lockSandbox(conn, { allowedDirectories: [dataDir, tempDir] });
});

after(() => {
  conn.closeSync();
  instance.closeSync();
  rmSync(root, { recursive: true, force: true });
});

async function refused(sql: string, pattern: RegExp): Promise<void> {
  await assert.rejects(conn.run(sql), pattern, sql);
}

const FILES_DISABLED = /Permission Error: .*disabled by configuration/;
const LOCKED = /the configuration has been locked/;

test('settings are in force', async () => {
  const reader = await conn.runAndReadAll(
    "SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'), current_setting('max_temp_directory_size')",
  );
  assert.deepEqual(reader.getRowsJS()[0], [false, true, false, false, '953.6 MiB']);
  const dirs = (await conn.runAndReadAll("SELECT current_setting('allowed_directories')")).getRowsJS()[0][0];
  assert.deepEqual([...(dirs as string[])].sort(), [`${dataDir}/`, `${tempDir}/`].sort());
});

test('file readers are refused outside the store directories', async () => {
  const secret = join(outside, 'secret.csv');
  await refused(`SELECT * FROM read_csv('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_csv_auto('/etc/passwd')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_text('/etc/passwd')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_blob('/etc/hostname')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_json('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_parquet('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM glob('/etc/*')`, FILES_DISABLED);
  await refused(`SELECT * FROM sniff_csv('${secret}')`, FILES_DISABLED);
  await refused(`SELECT * FROM parquet_metadata('${secret}')`, FILES_DISABLED);
  // `..` is resolved before the check.
  await refused(`SELECT * FROM read_csv('${dataDir}/../outside/secret.csv')`, FILES_DISABLED);
  await refused(`SELECT * FROM read_csv('https://example.com/x.csv')`, FILES_DISABLED);
});

test('writing, attaching and exporting outside the store are refused', async () => {
  await refused(`COPY (SELECT 1) TO '${join(outside, 'out.csv')}'`, FILES_DISABLED);
  await refused(`ATTACH '${join(outside, 'x.duckdb')}' AS x`, FILES_DISABLED);
  await refused(`EXPORT DATABASE '${join(outside, 'export')}'`, FILES_DISABLED);
});

test('the store can still attach partitions inside its directory after the lock', async () => {
  await conn.run(`ATTACH '${join(dataDir, 'events-20260102.duckdb')}' AS p2`);
  await conn.run('DETACH p2');
});

test('extensions cannot be installed or loaded', async () => {
  await refused('INSTALL httpfs', FILES_DISABLED);
  await refused('LOAD httpfs', /Loading external extensions is disabled/);
  await refused(
    `LOAD '${join(dataDir, 'evil.duckdb_extension')}'`,
    /Loading external extensions is disabled/,
  );
});

test('configuration cannot be changed', async () => {
  await refused("SET memory_limit = '100GB'", LOCKED);
  await refused('SET enable_external_access = true', LOCKED);
  await refused('SET lock_configuration = false', LOCKED);
  await refused('RESET lock_configuration', LOCKED);
  await refused("SET allowed_directories = ['/']", LOCKED);
  await refused("PRAGMA memory_limit = '100GB'", LOCKED);
  await refused('SET threads = 64', LOCKED);
  await refused("SET TimeZone = 'UTC'", LOCKED);
});

test('getenv does not exist in this build', async () => {
  await refused("SELECT getenv('HOME')", /getenv does not exist/);
});

test('prepareReadOnlySelect lets one SELECT through and refuses the rest', async () => {
  const ok = await prepareReadOnlySelect(conn, 'SELECT n FROM p1.events WHERE n > 3');
  assert.equal((await ok.runAndReadAll()).getRows().length, 6); // the prepared statement is what runs
  ok.destroySync();
  (
    await prepareReadOnlySelect(conn, 'WITH a AS (SELECT 1 AS x) SELECT * FROM a -- ; DROP TABLE p1.events')
  ).destroySync();
  const kinds: [string, RegExp][] = [
    ['SELECT 1; DROP TABLE p1.events', /exactly one statement; this one has 2/],
    ['DROP TABLE p1.events', /this is a DROP statement/],
    ['DELETE FROM p1.events', /this is a DELETE statement/],
    ['INSERT INTO p1.events VALUES (1)', /this is a INSERT statement/],
    ['UPDATE p1.events SET n = 0', /this is a UPDATE statement/],
    ['CREATE TABLE p1.x (a INT)', /this is a CREATE statement/],
    [`COPY p1.events TO '${join(dataDir, 'x.csv')}'`, /this is a COPY statement/],
    [`COPY p1.events TO '${join(outside, 'x.csv')}'`, /The query cannot run: Permission Error/],
    ["ATTACH 'x.duckdb' AS y", /this is a ATTACH statement/],
    ["SET memory_limit = '1GB'", /this is a SET statement/],
    ['CALL pragma_version()', /this is a CALL statement/],
    ['  ', /The query is empty/],
    [';', /could not be parsed|exactly one statement; this one has 0/],
  ];
  for (const [sql, pattern] of kinds) {
    await assert.rejects(
      prepareReadOnlySelect(conn, sql),
      (e: unknown) => e instanceof QueryError && pattern.test(e.message),
      sql,
    );
  }
  // Nothing was executed by the checks.
  assert.deepEqual((await conn.runAndReadAll('SELECT count(*)::INT FROM p1.events')).getRowsJS(), [[10]]);
});

test('withQueryTimeout interrupts a long query with a clear error', async () => {
  const started = Date.now();
  await assert.rejects(
    withQueryTimeout(conn, 200, () =>
      conn.runAndReadAll('SELECT count(*) FROM range(2000000000) a, range(1000) b'),
    ),
    (e: unknown) =>
      e instanceof QueryTimeoutError && /ran longer than 200 ms and was stopped/.test(e.message),
  );
  assert.ok(Date.now() - started < 5000, 'stopped promptly');
  // The connection is usable afterwards, and a quick query is not interrupted.
  const reader = await withQueryTimeout(conn, 5000, () => conn.runAndReadAll('SELECT 42::INT'));
  assert.deepEqual(reader.getRowsJS(), [[42]]);
});

test('the memory limit is enforced: a query needing more fails cleanly and the connection lives on', async () => {
  // string_agg over 4M values of ~107 bytes needs ~430MB in one piece, which cannot spill; limit is 256MB.
  await assert.rejects(
    conn.run("SELECT length(string_agg(repeat('x', 100) || range::VARCHAR, ',')) FROM range(4000000)"),
    /Out of Memory Error/,
  );
  assert.deepEqual((await conn.runAndReadAll('SELECT 1::INT')).getRowsJS(), [[1]]);
});

test('limits: environment and default memory limit', () => {
  assert.deepEqual(sandboxLimitsFromEnv({ KAUDIT_MEMORY_LIMIT: '2GB', KAUDIT_THREADS: '3' }), {
    memoryLimit: '2GB',
    maxTempDirectorySize: undefined,
    threads: 3,
    checkpointThreshold: undefined,
  });
  assert.equal(sandboxLimitsFromEnv({ KAUDIT_CHECKPOINT_THRESHOLD: '64MB' }).checkpointThreshold, '64MB');
  assert.equal(sandboxLimitsFromEnv({ KAUDIT_THREADS: 'many' }).threads, undefined);
  assert.equal(defaultMemoryLimit(16 * 2 ** 30), '4096MB');
  assert.equal(defaultMemoryLimit(1 * 2 ** 30), '512MB');
  // Checkpoint threshold: half the memory limit, at most 1 GB, at least DuckDB's 16 MB.
  assert.equal(defaultCheckpointThreshold('4096MB'), '1024MB');
  assert.equal(defaultCheckpointThreshold('512MB'), '256MB');
  assert.equal(defaultCheckpointThreshold('1.5GB'), '768MB');
  assert.equal(defaultCheckpointThreshold('20MB'), '16MB');
  assert.equal(sandboxInstanceOptions('/d', '/t', { memoryLimit: '600MB' }).checkpoint_threshold, '300MB');
  assert.equal(
    sandboxInstanceOptions('/d', '/t', { checkpointThreshold: '2GB' }).checkpoint_threshold,
    '2GB',
  );
});
