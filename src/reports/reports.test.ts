// Every panel of every built-in report against the values counted by hand in
// test/fixtures/reports/expected.ts, and the filter combinations worked out there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDbStore } from '../store/duckdb/index.js';
import {
  EXPECTED,
  EXPECTED_RESOURCE,
  FILTER_CASES,
  FIXTURE_FROM,
  FIXTURE_TIMEZONE,
  FIXTURE_TO,
  MESH_TABS,
} from '../../test/fixtures/reports/expected.js';
import { findReport, loadReports } from './load.js';
import { runReport, type ReportRunOptions } from './run.js';
import { comparableRows, fixtureStore } from './testing.js';

const reports = loadReports();
const range = { from: FIXTURE_FROM, to: FIXTURE_TO, timezone: FIXTURE_TIMEZONE };

let store: DuckDbStore;
before(async () => {
  store = await fixtureStore();
});
after(async () => {
  await store.close();
});

async function run(id: string, opts: Partial<ReportRunOptions> = {}) {
  const result = await runReport(store, findReport(reports, id), { ...range, ...opts });
  return new Map(result.panels.map((p) => [p.id, p]));
}

describe('built-in reports on the hand-worked fixture', () => {
  for (const id of ['overview', 'operations', 'resource', 'mesh']) {
    test(`${id}: every panel has its hand-worked value`, async () => {
      const panels = await run(id);
      const expected = EXPECTED[id];
      // A panel without a hand-worked value (or a value for a panel that is gone) is a test gap.
      assert.deepEqual([...panels.keys()].sort(), Object.keys(expected).sort());
      for (const [panelId, rows] of Object.entries(expected)) {
        const p = panels.get(panelId)!;
        assert.equal(p.error, undefined, `${id}/${panelId}: ${p.error}`);
        assert.deepEqual(comparableRows(p.rows), rows, `${id}/${panelId}`);
        if (rows.length > 0) assert.deepEqual(p.columns, Object.keys(rows[0]), `${id}/${panelId} columns`);
      }
    });
  }

  test('counting events instead of requests would give other numbers (the fixture has request pairs)', async () => {
    const { runQuery } = await import('../query/run.js');
    const out = await runQuery(store, '* | select count(1) as events', range);
    assert.equal(out.kind, 'sql');
    // 53 requests in 66 events: the report's 53 is not the event count.
    if (out.kind === 'sql') assert.deepEqual(out.rows, [[66]]);
  });

  test('mesh: each tab runs only its own panels', async () => {
    for (const [tab, ids] of Object.entries(MESH_TABS)) {
      const panels = await run('mesh', { tab });
      assert.deepEqual([...panels.keys()], ids, tab);
      for (const p of panels.values()) assert.equal(p.tab, tab);
    }
  });

  for (const [resource, expected] of Object.entries(EXPECTED_RESOURCE)) {
    test(`resource report for ${resource}`, async () => {
      // The documents write CRD plurals in mixed case (AliyunLogConfigs); the parameter is lower-cased.
      const given = resource === 'aliyunlogconfigs' ? 'AliyunLogConfigs' : resource;
      const panels = await run('resource', { params: { resource: given } });
      for (const [panelId, rows] of Object.entries(expected)) {
        const p = panels.get(panelId)!;
        assert.equal(p.error, undefined, p.error);
        assert.deepEqual(comparableRows(p.rows), rows, `${resource}/${panelId}`);
      }
      assert.ok(panels.get('requests')!.query.includes(`"objectRef.resource" = '${resource}'`));
    });
  }
});

describe('report filters', () => {
  for (const c of FILTER_CASES) {
    const label = Object.entries(c.filters)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    test(`${c.report} ${c.params ? JSON.stringify(c.params) + ' ' : ''}${label}`, async () => {
      const panels = await run(c.report, { filters: c.filters, ...(c.params ? { params: c.params } : {}) });
      for (const [panelId, rows] of Object.entries(c.panels)) {
        const p = panels.get(panelId)!;
        assert.equal(p.error, undefined, p.error);
        assert.deepEqual(comparableRows(p.rows), rows, `${panelId} with ${label}`);
      }
    });
  }

  test('the query of each panel shows the filters that were applied', async () => {
    const panels = await run('overview', {
      filters: { namespace: 'team-a', user: 'dev-bob', status: '403' },
    });
    assert.equal(
      panels.get('denied')!.query,
      '(responseStatus.code: 401 or responseStatus.code: 403) and objectRef.namespace: "team-a" and user.username: "dev-bob" and responseStatus.code: 403 | select count(1) as requests\n' +
        `from log where (stage in ('ResponseComplete', 'Panic') or (stage = 'ResponseStarted' and "responseStatus.code" = 401))`,
    );
    assert.ok(panels.get('requests')!.query.startsWith('objectRef.namespace: "team-a" and'));
  });

  test('the time range bounds the data: the day before holds only R0 (a deployment delete)', async () => {
    const panels = await run('overview', {
      from: FIXTURE_FROM - 86400,
      to: FIXTURE_FROM,
    });
    assert.deepEqual(panels.get('requests')!.rows, [{ requests: 1 }]);
    assert.deepEqual(panels.get('deletions_by_resource')!.rows, [{ resource: 'deployments', requests: 1 }]);
  });

  test('a cluster filter that matches nothing gives zero counts, not errors', async () => {
    const panels = await run('overview', { cluster: 'no-such-cluster' });
    assert.deepEqual(panels.get('requests')!.rows, [{ requests: 0 }]);
    assert.deepEqual(panels.get('exec_list')!.rows, []);
    // A rate over no requests is "no data" (null), not 0 %.
    assert.deepEqual(panels.get('public_failure_rate')!.rows, [{ failure_rate_pct: null }]);
    const ops = await run('operations', { filters: { user: 'nobody' } });
    assert.deepEqual(ops.get('deployments')!.rows, [{ create: 0, update: 0, delete: 0, get: 0 }]);
    assert.deepEqual(ops.get('summary')!.rows, []);
  });
});
