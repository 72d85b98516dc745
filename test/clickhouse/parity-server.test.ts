// Parity of the ClickHouse store with the DuckDB store on a real ClickHouse server: Debian's
// clickhouse-server (18.16 in CI), spawned privately by server.ts. The events go in through the
// ClickHouse store's own ingest and every case of parity-cases.ts runs through runQuery on both
// stores; the answers must be identical. On 18.16 the server runs the search, the time window and
// the cluster filter, and DuckDB finishes each SQL statement (docs/clickhouse-dialect.md); the
// suite checks that it does, so the fallback path is what is tested there.
//
// Without a server binary the suite skips with the reason, unless KAUDIT_E2E=required.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileQuery } from '../../src/query/index.js';
import { openDuckDbStore, type DuckDbStore } from '../../src/store/duckdb/index.js';
import { addEvents } from '../../src/store/duckdb/testing.js';
import { openClickHouseStore, type ClickHouseStore } from '../../src/store/clickhouse/index.js';
import { decodePlan } from '../../src/store/clickhouse/dialect/index.js';
import { requireOrSkip } from '../e2e/requirements.js';
import {
  NO_SERVER_REASON,
  clickHouseServerCommand,
  startTestClickHouse,
  type TestClickHouse,
} from './server.js';
import {
  CASES,
  FIXTURES,
  answer,
  builtinCases,
  checkExpected,
  comparable,
  ingestRows,
} from './parity-cases.js';

const available = clickHouseServerCommand() !== null;

const BUILTIN = await builtinCases();

describe('ClickHouse store parity on a real server', () => {
  let server: TestClickHouse | undefined;
  let duck: DuckDbStore | undefined;
  let ch: ClickHouseStore | undefined;

  before(async () => {
    if (!available) return;
    server = await startTestClickHouse();
    ch = await openClickHouseStore({ url: server.storeUrl(`kaudit_parity_${process.pid}`) });
    duck = await openDuckDbStore({ path: ':memory:' });
    for (const f of FIXTURES) {
      await addEvents(duck, f.events, { cluster: f.cluster, source: f.source });
      await ch.ingest(ingestRows(f));
    }
  });

  after(async () => {
    await ch?.close();
    await duck?.close();
    await server?.stop();
  });

  test('the server release decides what runs where', async (t) => {
    if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
    const sql = compileQuery('* | select count(*)', { timezone: 'UTC' }, ch!.dialect).sql;
    const pushdown = decodePlan(sql).kind === 'pushdown';
    const current = (ch!.dialect as { features?: { sqlPushdown: boolean } }).features?.sqlPushdown;
    assert.equal(pushdown, current, `server ${ch!.capabilities.version}`);
  });

  for (const c of [...CASES, ...BUILTIN]) {
    test(c.name, c.todo ? { todo: c.todo } : {}, async (t) => {
      if (!requireOrSkip(t, available, NO_SERVER_REASON)) return;
      if (c.error !== undefined) {
        await assert.rejects(answer(duck!, c), { message: c.error });
        await assert.rejects(answer(ch!, c), { message: c.error });
        return;
      }
      const compiled = compileQuery(c.query, { timezone: 'UTC', ...c.ctx }, ch!.dialect);
      const d = await answer(duck!, c);
      let h: Awaited<ReturnType<typeof answer>>;
      try {
        h = await answer(ch!, c);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nClickHouse ${ch!.capabilities.version}:\n${compiled.sql}`);
      }
      checkExpected(c, d, 'DuckDB');
      assert.deepEqual(comparable(c, h), comparable(c, d), `${c.name}\nClickHouse SQL:\n${compiled.sql}`);
    });
  }
});
