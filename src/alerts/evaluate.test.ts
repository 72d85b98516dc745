import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  advance,
  combinations,
  flattenEvent,
  groupVars,
  matchGroups,
  MAX_COMBINATIONS,
  type QueryRows,
} from './evaluate.js';
import { emptyState, type RuleState } from './state.js';

const q = (rows: Record<string, unknown>[]): QueryRows => ({
  query: 'q',
  columns: Object.keys(rows[0] ?? {}),
  rows,
});

test('combinations: one row per query, in order; none when a query has no rows; capped at 1000', () => {
  const a = q([{ a: 1 }, { a: 2 }]);
  const b = q([{ b: 'x' }, { b: 'y' }, { b: 'z' }]);
  assert.deepEqual(
    combinations([a, b]).map((c) => `${c[0].a}${c[1].b}`),
    ['1x', '1y', '1z', '2x', '2y', '2z'],
  );
  assert.deepEqual(combinations([a, q([])]), []);
  const big = q(Array.from({ length: 100 }, (_, i) => ({ i })));
  assert.equal(combinations([big, big, big]).length, MAX_COMBINATIONS);
});

test('matchGroups: the condition per combination, one group per groupBy value, first row first', () => {
  const rows = q([
    { auditID: 'a', user: 'alice', n: 5 },
    { auditID: 'b', user: 'bob', n: 1 },
    { auditID: 'a', user: 'alice2', n: 7 },
    { auditID: 'c', user: 'carol', n: 9 },
  ]);
  const groups = matchGroups({ condition: 'n > 2', groupBy: ['auditID'] }, [rows]);
  assert.deepEqual(
    groups.map((g) => [g.group, g.rows.length, g.rows[0][0].user]),
    [
      [{ auditID: 'a' }, 2, 'alice'],
      [{ auditID: 'c' }, 1, 'carol'],
    ],
  );
  // no groupBy: one group of every matching row; empty condition: every row
  const all = matchGroups({ condition: '', groupBy: [] }, [rows]);
  assert.equal(all.length, 1);
  assert.equal(all[0].rows.length, 4);
  assert.deepEqual(matchGroups({ condition: 'n > 100', groupBy: [] }, [rows]), []);
});

test('matchGroups across two queries: $0/$1 in the condition and groupBy', () => {
  const totals = q([
    { ns: 'a', total: 10 },
    { ns: 'b', total: 3 },
  ]);
  const limits = q([
    { ns: 'a', max: 5 },
    { ns: 'b', max: 5 },
  ]);
  const groups = matchGroups({ condition: '$0.ns == $1.ns && $0.total > $1.max', groupBy: ['$1.ns'] }, [
    totals,
    limits,
  ]);
  assert.deepEqual(
    groups.map((g) => g.group),
    [{ '$1.ns': 'a' }],
  );
});

test('a search result row is the event under dotted names', () => {
  const row = flattenEvent({ verb: 'get', user: { username: 'u', groups: ['g'] }, sourceIPs: ['1.2.3.4'] });
  assert.equal(row['user.username'], 'u');
  assert.deepEqual(row['user.groups'], ['g']);
  assert.deepEqual(row.user, { username: 'u', groups: ['g'] });
  assert.equal(row.verb, 'get');
});

test('groupVars: first row columns, __count__, built-ins, rendered labels and annotations', () => {
  const rows = q([
    { user: 'alice', cmd: 'ls', n: 1 },
    { user: 'alice', cmd: 'rm', n: 2 },
  ]);
  const [g] = matchGroups({ condition: '', groupBy: ['user'] }, [rows]);
  const at = Date.UTC(2024, 4, 1, 10, 0, 0) / 1000;
  const vars = groupVars(
    {
      id: 'kaudit-x',
      name: 'X',
      severity: 'high',
      description: 'd',
      labels: { who: '${user}' },
      annotations: { title: '${user} ran ${cmd} (${__count__} times, ${labels.who}) [${AlertName}]' },
    },
    g,
    [rows],
    at,
    'Asia/Shanghai',
  );
  assert.equal((vars.annotations as Record<string, string>).title, 'alice ran ls (2 times, alice) [X]');
  assert.equal(vars.title, 'alice ran ls (2 times, alice) [X]');
  assert.equal(vars.fire_time, '2024-05-01 18:00:00');
  assert.equal(vars.group, 'user=alice');
  assert.equal(vars['$0.cmd'], 'ls');
  assert.equal(vars.desc, 'd');
});

const match = (key: string) => ({ key, group: { k: key }, vars: { title: key, group: `k=${key}` } });

function run(rule: { threshold: number; throttle: number; notifyResolved: boolean }, steps: string[][]) {
  let state: RuleState = emptyState('r');
  const out: string[] = [];
  steps.forEach((keys, i) => {
    const r = advance(rule, state, keys.map(match), 1000 + i * 60);
    state = r.state;
    out.push(
      [
        ...r.notify.map((t) => `${t.status}:${t.groupKey}`),
        ...r.throttled.map((t) => `throttled:${t.groupKey}`),
      ].join(' '),
    );
  });
  return { out, state };
}

test('threshold: fires after N consecutive matching evaluations; a miss resets the count', () => {
  const { out } = run({ threshold: 3, throttle: 0, notifyResolved: true }, [
    ['a'],
    ['a'],
    [],
    ['a'],
    ['a'],
    ['a'],
    ['a'],
  ]);
  // a, a (count 2), miss (reset), a, a, a → fires on the 6th evaluation; the 7th stays firing silently.
  assert.deepEqual(out, ['', '', '', '', '', 'firing:a', '']);
});

test('resolve: a firing group that stops matching resolves once; notifyResolved false stays silent', () => {
  assert.deepEqual(
    run({ threshold: 1, throttle: 0, notifyResolved: true }, [['a', 'b'], ['a'], [], []]).out,
    ['firing:a firing:b', 'resolved:b', 'resolved:a', ''],
  );
  assert.deepEqual(run({ threshold: 1, throttle: 0, notifyResolved: false }, [['a'], []]).out, [
    'firing:a',
    '',
  ]);
});

test('throttle: at most one firing notification per group per period; a throttled firing resolves silently', () => {
  // steps are 60s apart; throttle 150s: fire at t0, resolve t1, fire again at t2 (120s) is throttled,
  // resolve t3 silently, fire at t4 (240s ≥ 150s) notifies again.
  const { out } = run({ threshold: 1, throttle: 150, notifyResolved: true }, [['a'], [], ['a'], [], ['a']]);
  assert.deepEqual(out, ['firing:a', 'resolved:a', 'throttled:a', '', 'firing:a']);
  // other groups are not throttled by a's notification
  assert.deepEqual(run({ threshold: 1, throttle: 150, notifyResolved: false }, [['a'], ['b']]).out, [
    'firing:a',
    'firing:b',
  ]);
});

test('a pending group (below threshold) is kept in state with its count', () => {
  const { state } = run({ threshold: 2, throttle: 0, notifyResolved: true }, [['a']]);
  assert.equal(state.groups[match('a').key].count, 1);
  assert.equal(state.groups[match('a').key].firing, false);
  assert.equal(state.lastRun, 1000);
});

test('__count__ in a condition is the query\'s row count (SLS v2 "has N rows"), unless a column has that name', () => {
  const rows = q([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  assert.equal(matchGroups({ condition: '__count__ > 3', groupBy: [] }, [rows]).length, 1);
  assert.equal(matchGroups({ condition: '__count__ > 4', groupBy: [] }, [rows]).length, 0);
  const own = q([{ __count__: 1 }]);
  assert.equal(matchGroups({ condition: '__count__ > 3', groupBy: [] }, [own]).length, 0);
});
