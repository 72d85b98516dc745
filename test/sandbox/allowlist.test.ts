// The first wall of the sandbox, end to end: SLS query text → compileQuery (parser, binder,
// allowlist of functions, relations and statement kinds) → a real store. Every attack must be
// refused with a QueryError by the compiler, before any SQL reaches DuckDB; the store must be
// intact afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileQuery } from '../../src/query/index.js';
import { QueryError } from '../../src/query/errors.js';
import { runQuery } from '../../src/query/run.js';
import { duckDbDialect } from '../../src/store/duckdb/dialect/index.js';
import { storeWithEvents } from '../../src/store/duckdb/testing.js';
import type { Store } from '../../src/store/store.js';
import { SANDBOX_EVENTS } from './events.js';

let store: Store;
const scratch = mkdtempSync(join(tmpdir(), 'kaudit-sandbox-e2e-'));
const ctx = { timezone: 'UTC' };

before(async () => {
  store = await storeWithEvents(SANDBOX_EVENTS);
});

after(async () => {
  await store.close();
});

/** The query is refused by the compiler (nothing reaches the engine) and by runQuery, with `pattern`. */
async function refused(query: string, pattern: RegExp): Promise<void> {
  assert.throws(
    () => compileQuery(query, ctx, duckDbDialect),
    (e: unknown) => e instanceof QueryError && pattern.test(e.message),
    `compileQuery should refuse: ${query}`,
  );
  await assert.rejects(runQuery(store, query, ctx), (e: unknown) => e instanceof QueryError, query);
}

const NOT_ALLOWED_TABLE = /Table function '.+' is not allowed/;
const UNKNOWN_FUNCTION = /Function '.+' not registered/;
const NOT_SELECT = /Only SELECT statements are allowed/;
const ONE_STATEMENT = /one SQL statement/;

test('file and network readers as table functions', async () => {
  await refused("* | select * from read_csv('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_csv_auto('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_text('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_json('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_json_auto('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_blob('/etc/hostname')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_parquet('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from parquet_scan('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from glob('/etc/*')", NOT_ALLOWED_TABLE);
  await refused("* | select * from sniff_csv('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from read_csv('https://example.com/x.csv')", NOT_ALLOWED_TABLE);
});

test('the same readers as scalar calls, quoted, qualified or in other case', async () => {
  await refused("* | select read_text('/etc/passwd')", UNKNOWN_FUNCTION);
  // A quoted name cannot call a function at all (the parser stops at the parenthesis).
  await refused('* | select "read_text"(\'/etc/passwd\')', /not registered|mismatched input '\('/);
  await refused('* | select * from "read_csv"(\'/etc/passwd\')', NOT_ALLOWED_TABLE);
  await refused("* | select * from READ_CSV('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from main.read_csv('/etc/passwd')", /not allowed|does not exist|mismatched/);
  await refused("* | select * from '/etc/passwd'", /mismatched input/);
  await refused('* | select * from "/etc/passwd"', /does not exist/);
});

test('readers hidden in joins, subqueries, CTEs and set operations', async () => {
  await refused("* | select * from log, read_csv('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select * from log join read_csv('/etc/passwd') on true", NOT_ALLOWED_TABLE);
  await refused("* | select * from (select * from read_csv('/etc/passwd'))", NOT_ALLOWED_TABLE);
  await refused("* | with x as (select * from read_csv('/etc/passwd')) select * from x", NOT_ALLOWED_TABLE);
  await refused(
    "* | select verb from log where verb in (select column0 from read_csv('/etc/passwd'))",
    NOT_ALLOWED_TABLE,
  );
  await refused(
    "* | select verb from log union all select * from read_csv('/etc/passwd')",
    NOT_ALLOWED_TABLE,
  );
  await refused("* | select (select read_text('/etc/passwd'))", UNKNOWN_FUNCTION);
});

test('meta functions: query(), query_table(), settings, environment, catalog', async () => {
  await refused("* | select * from query('select 42')", NOT_ALLOWED_TABLE);
  await refused("* | select * from query_table('kaudit_events')", NOT_ALLOWED_TABLE);
  await refused('* | select * from duckdb_settings()', NOT_ALLOWED_TABLE);
  await refused('* | select * from duckdb_tables()', NOT_ALLOWED_TABLE);
  await refused('* | select * from duckdb_extensions()', NOT_ALLOWED_TABLE);
  await refused("* | select current_setting('allowed_directories')", UNKNOWN_FUNCTION);
  await refused("* | select getenv('HOME')", UNKNOWN_FUNCTION);
  await refused('* | select * from information_schema.tables', /does not exist|not allowed|mismatched/);
  await refused('* | select * from kaudit_events', /does not exist/);
  // The engine's own helper functions are not part of the language either.
  await refused("* | select kaudit_ip_to_domain('8.8.8.8')", UNKNOWN_FUNCTION);
  await refused(
    "* | select kaudit_fn.kaudit_ip_to_domain('8.8.8.8')",
    /not registered|mismatched|not allowed/,
  );
});

test('statements other than SELECT', async () => {
  const outFile = join(scratch, 'out.csv');
  await refused(`* | ATTACH '${join(scratch, 'x.duckdb')}' AS x`, NOT_SELECT);
  await refused(`* | COPY (select 1) TO '${outFile}'`, NOT_SELECT);
  await refused(`* | COPY log TO '${outFile}'`, NOT_SELECT);
  await refused(`* | EXPORT DATABASE '${scratch}'`, NOT_SELECT);
  await refused('* | INSTALL httpfs', NOT_SELECT);
  await refused('* | LOAD httpfs', NOT_SELECT);
  await refused('* | PRAGMA version', NOT_SELECT);
  await refused("* | PRAGMA memory_limit='1GB'", NOT_SELECT);
  await refused("* | SET memory_limit='100GB'", NOT_SELECT);
  await refused('* | RESET lock_configuration', NOT_SELECT);
  await refused('* | CALL pragma_version()', NOT_SELECT);
  await refused('* | CREATE TABLE x AS SELECT 1', NOT_SELECT);
  await refused('* | CREATE MACRO m(a) AS a', NOT_SELECT);
  await refused('* | DROP VIEW kaudit_events', NOT_SELECT);
  await refused("* | INSERT INTO log VALUES ('x')", NOT_SELECT);
  await refused("* | UPDATE log SET verb = 'x'", NOT_SELECT);
  await refused('* | DELETE FROM log', NOT_SELECT);
  await refused('* | ALTER VIEW kaudit_events RENAME TO y', NOT_SELECT);
  await refused('* | DETACH memory', NOT_SELECT);
  await refused('* | CHECKPOINT', NOT_SELECT);
  assert.equal(existsSync(outFile), false);
});

test('a second statement, with or without comment tricks', async () => {
  await refused('* | select 1; drop view kaudit_events', ONE_STATEMENT);
  await refused('* | select 1 /* harmless */; DROP VIEW kaudit_events', ONE_STATEMENT);
  await refused('* | select 1 -- comment\n; DROP VIEW kaudit_events', ONE_STATEMENT);
  await refused("* | select 1;\nselect * from read_csv('/etc/passwd')", ONE_STATEMENT);
  await refused("* | select /* ; */ * from read_csv('/etc/passwd')", NOT_ALLOWED_TABLE);
  await refused("* | select 1 --\nfrom read_csv('/etc/passwd')", NOT_ALLOWED_TABLE);
});

test('quoting cannot smuggle SQL out of a string literal or identifier', async () => {
  // Literal text that looks like SQL is just text: the query runs and matches nothing.
  const literal = await runQuery(
    store,
    "* | select count(*) as n from log where verb = 'x''; DROP VIEW kaudit_events; --'",
    ctx,
  );
  assert.deepEqual(literal.kind === 'sql' && literal.rows, [[0]]);
  // A quoted identifier that contains a quote and SQL is a (missing) column name.
  await refused('* | select "verb""; DROP VIEW kaudit_events; --" from log', /cannot be resolved/);
});

test('search statements cannot inject SQL either', async () => {
  for (const query of [
    `user.username: "x') OR true --"`,
    `verb: "'; DROP VIEW kaudit_events; --"`,
    `"') OR 1=1 --"`,
    `requestObject: "x\\' OR 1=1"`,
  ]) {
    const result = await runQuery(store, query, ctx);
    assert.equal(result.kind, 'search', query);
    assert.deepEqual(result.kind === 'search' && result.events, [], query);
  }
});

test('a search on an unknown field with a quote in its name is refused, not rendered', async () => {
  await refused(`__tag__:x'y: z`, /is not a searchable field/);
});

test('after all of that the store is intact and answers normal queries', async () => {
  const result = await runQuery(
    store,
    "* | select count(*) as n, count_if(verb = 'get') as gets from log",
    ctx,
  );
  assert.deepEqual(result.kind === 'sql' && result.rows, [[5, 1]]);
  const search = await runQuery(store, 'verb: delete', ctx);
  assert.equal(search.kind === 'search' && search.events.length, 1);
});
