import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../cli/errors.js';
import type { DuckDbStore } from '../store/duckdb/index.js';
import { FIXTURE_FROM, FIXTURE_TO } from '../../test/fixtures/reports/expected.js';
import type { ReportDefinition } from './model.js';
import { mapLimited, preparePanels, runReport } from './run.js';
import { fixtureStore } from './testing.js';

let store: DuckDbStore;
before(async () => {
  store = await fixtureStore();
});
after(async () => {
  await store.close();
});

const report: ReportDefinition = {
  id: 'mixed',
  title: 'Mixed',
  description: '',
  params: [],
  file: 'mixed.yaml',
  tabs: [
    {
      id: 'main',
      title: 'Main',
      panels: [
        { id: 'good', title: 'Good', chart: 'stat', query: '* | select count(DISTINCT auditID) as requests' },
        // Compiles, but the engine refuses lower() on a number: a per-panel error.
        { id: 'bad', title: 'Bad', chart: 'stat', query: '* | select lower(__time__) as x' },
        { id: 'unknown', title: 'Unknown', chart: 'table', query: '* | select nosuchfield' },
        {
          id: 'after',
          title: 'After',
          chart: 'stat',
          query: 'verb: delete | select count(DISTINCT auditID) as n',
        },
      ],
    },
    {
      id: 'second',
      title: 'Second',
      panels: [{ id: 'two', title: 'Two', chart: 'stat', query: '* | select 2 as two' }],
    },
  ],
};

test('a failing panel carries its error; the other panels still answer', async () => {
  const result = await runReport(store, report, { timezone: 'UTC', from: FIXTURE_FROM, to: FIXTURE_TO });
  const byId = new Map(result.panels.map((p) => [p.id, p]));
  assert.deepEqual(byId.get('good')!.rows, [{ requests: 53 }]);
  // delete: R17 R18 R19 R40 R49 (deletecollection R20 is another verb).
  assert.deepEqual(byId.get('after')!.rows, [{ n: 5 }]);
  assert.ok(byId.get('bad')!.error, 'the type error is reported');
  assert.deepEqual(byId.get('bad')!.rows, []);
  assert.match(
    byId.get('unknown')!.error!,
    /^query error at character \d+: Column 'nosuchfield' cannot be resolved/,
  );
  assert.deepEqual(
    result.panels.map((p) => p.id),
    ['good', 'bad', 'unknown', 'after', 'two'],
  );
});

test('an unknown tab is one sentence listing the tabs', () => {
  assert.throws(
    () => preparePanels(report, { tab: 'nope' }),
    (e: Error) =>
      e instanceof UserError && e.message === 'report "mixed" has no tab "nope"; its tabs are main, second.',
  );
  assert.deepEqual(
    preparePanels(report, { tab: 'second' }).map((p) => p.id),
    ['two'],
  );
});

test('mapLimited keeps at most N in flight and the input order', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (ms) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, ms * 3));
    inFlight--;
    return ms * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30, 0]);
  assert.equal(peak, 2);
  assert.deepEqual(await mapLimited([], 4, async (x: number) => x), []);
});
