import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent } from '../../event/types.js';
import { runQuery } from '../../query/run.js';
import { narrowEventsRelation } from './narrow.js';
import { addEvents, storeWithEvents } from './testing.js';

/** Records the columns asked for and stands in for the union. */
function recorder(): { calls: string[][]; relation: (cols: string[]) => string } {
  const calls: string[][] = [];
  return { calls, relation: (cols) => (calls.push(cols), `NARROW(${cols.join('|')})`) };
}

test('the columns are the quoted identifiers that name catalogue columns, strings skipped', () => {
  const r = recorder();
  const sql =
    `SELECT "verb", 'a "user.username" in kaudit_events, it''s' AS "x" ` +
    `FROM kaudit_events AS "_t1" WHERE "STAGE" = 'it''s "auditID"' AND "_t1"."objectRef.resource" = 'x'`;
  const out = narrowEventsRelation(sql, r.relation);
  // Catalogue order: stage, verb, objectRef.resource; user.username and auditID appear only inside
  // strings, "x" and "_t1" are not columns, "STAGE" matches case-insensitively as DuckDB does.
  assert.deepEqual(r.calls, [['stage', 'verb', 'objectRef.resource']]);
  assert.equal(
    out,
    `SELECT "verb", 'a "user.username" in kaudit_events, it''s' AS "x" ` +
      `FROM (NARROW(stage|verb|objectRef.resource)) AS "_t1" WHERE "STAGE" = 'it''s "auditID"' AND "_t1"."objectRef.resource" = 'x'`,
  );
});

test('every bare reference to the view is replaced; quoted or qualified names are not the view', () => {
  const r = recorder();
  const sql = `SELECT "_raw" FROM kaudit_events WHERE "_time_us" >= (SELECT min("_time_us") FROM KAUDIT_EVENTS) AND "x" IN (SELECT 1 FROM "kaudit_events", s.kaudit_events)`;
  assert.equal(
    narrowEventsRelation(sql, r.relation),
    `SELECT "_raw" FROM (NARROW(_time_us|_raw)) WHERE "_time_us" >= (SELECT min("_time_us") FROM (NARROW(_time_us|_raw))) AND "x" IN (SELECT 1 FROM "kaudit_events", s.kaudit_events)`,
  );
});

test('SQL without the view, or that cannot be scanned, is left as it is', () => {
  const r = recorder();
  assert.equal(narrowEventsRelation(`SELECT 'kaudit_events'`, r.relation), `SELECT 'kaudit_events'`);
  assert.equal(
    narrowEventsRelation(`SELECT 'x FROM kaudit_events`, r.relation),
    `SELECT 'x FROM kaudit_events`,
  );
  assert.deepEqual(r.calls, []);
  // count(*) names no column: the narrowest relation still has one.
  assert.equal(
    narrowEventsRelation('SELECT count(*) FROM kaudit_events', r.relation),
    'SELECT count(*) FROM (NARROW(__time__))',
  );
});

test('compiled queries read every partition through the narrowed relation', async () => {
  // Two receive days make two partitions; the narrowed union must cover both and the template.
  let now = Date.UTC(2026, 10, 20, 12) / 1000;
  const ev = (id: string, verb: string, user: string): AuditEvent =>
    ({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: id,
      stage: 'ResponseComplete',
      verb,
      user: { username: user },
      requestURI: '/api/v1/pods',
      requestReceivedTimestamp: '2026-11-20T10:00:00.000000Z',
      stageTimestamp: '2026-11-20T10:00:01.000000Z',
    }) as AuditEvent;
  const store = await storeWithEvents([ev('a', 'get', 'alice'), ev('b', 'list', 'bob')], {
    store: { now: () => now },
  });
  try {
    now += 86400;
    await addEvents(store, [ev('c', 'get', 'carol'), ev('d', 'delete', 'alice')]);
    const out = await runQuery(
      store,
      'verb: get or verb: delete | select "user.username" as u, count(*) as n group by u order by u',
      { timezone: 'UTC' },
    );
    assert.equal(out.kind, 'sql');
    // get: a (alice), c (carol); delete: d (alice).
    assert.deepEqual(out.kind === 'sql' && out.rows, [
      ['alice', 2],
      ['carol', 1],
    ]);
    const page = await runQuery(store, 'alice', { timezone: 'UTC' });
    assert.deepEqual(page.kind === 'search' && page.events.map((e) => e.auditID).sort(), ['a', 'd']);
  } finally {
    await store.close();
  }
});
