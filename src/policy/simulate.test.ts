// simulatePolicy on a five-event log whose numbers were worked out by hand (line lengths counted
// from the literal lines below, newline included, as the log reader reports them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulatePolicy, type SimulationRecord } from './simulate.js';
import { compilePolicy } from './compile.js';
import type { Policy } from './types.js';

const LINES = [
  // L1 121 bytes: user noisy → rule 0 (None): dropped.
  '{"level":"Metadata","stage":"ResponseComplete","verb":"get","user":{"username":"noisy"},"objectRef":{"resource":"pods"}}',
  // L2 205 bytes: secrets → rule 1 (Metadata): re-leveled. Stripping removes
  // ,"requestObject":{"data":{"a":"b"}} (35) and ,"responseObject":{"data":{"a":"b"}} (36), and
  // "RequestResponse" becomes "Metadata" (-7): 205 - 35 - 36 - 7 = 127 bytes.
  '{"level":"RequestResponse","stage":"ResponseComplete","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"secrets"},"requestObject":{"data":{"a":"b"}},"responseObject":{"data":{"a":"b"}}}',
  // L3 146 bytes: RequestReceived → rule 2, stage omitted: dropped.
  '{"level":"Request","stage":"RequestReceived","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods"},"requestObject":{"x":1}}',
  // L4 147 bytes: rule 2 (RequestResponse) above the recorded Request: raised, 147 bytes (lower bound).
  '{"level":"Request","stage":"ResponseComplete","verb":"create","user":{"username":"alice"},"objectRef":{"resource":"pods"},"requestObject":{"x":1}}',
  // L5 118 bytes: non-resource, rule 2 at the recorded level: kept.
  '{"level":"RequestResponse","stage":"ResponseComplete","verb":"get","user":{"username":"bob"},"requestURI":"/healthz"}',
];
const BYTES = [121, 205, 146, 147, 118];
const TIMES = [0, 600, 1200, 1800, 3600].map((s) => (1_700_000_000 + s) * 1e6);

function records(): SimulationRecord[] {
  const out: SimulationRecord[] = LINES.map((l, i) => ({
    type: 'event',
    event: JSON.parse(l),
    bytes: BYTES[i],
    timeUs: TIMES[i],
  }));
  out.push({ type: 'reject', line: 6, reason: 'not JSON' });
  return out;
}

const candidate: Policy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', users: ['noisy'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] },
    { level: 'RequestResponse' },
  ],
};
const baseline: Policy = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] };

test('the line lengths used below are the real ones', () => {
  assert.deepEqual(
    LINES.map((l) => Buffer.byteLength(l) + 1),
    BYTES,
  );
});

test('per-rule events and bytes kept, re-leveled and dropped', async () => {
  const r = await simulatePolicy(records(), { policy: compilePolicy(candidate), budgetBytes: 94080 });
  assert.deepEqual(r.log, {
    events: 5,
    outsideRange: 0,
    rejects: 1,
    bytes: 737,
    from: '2023-11-14T22:13:20.000Z',
    to: '2023-11-14T23:13:20.000Z',
    spanSeconds: 3600,
  });
  const z = { events: 0, bytes: 0 };
  assert.deepEqual(r.candidate.rules, [
    {
      rule: 0,
      level: 'None',
      matched: { events: 1, bytes: 121 },
      kept: z,
      releveled: z,
      raised: 0,
      dropped: { events: 1, bytes: 121 },
      out: z,
    },
    {
      rule: 1,
      level: 'Metadata',
      matched: { events: 1, bytes: 205 },
      kept: z,
      releveled: { events: 1, bytes: 127 },
      raised: 0,
      dropped: z,
      out: { events: 1, bytes: 127 },
    },
    {
      rule: 2,
      level: 'RequestResponse',
      matched: { events: 3, bytes: 411 },
      kept: { events: 1, bytes: 118 },
      releveled: { events: 1, bytes: 147 },
      raised: 1,
      dropped: { events: 1, bytes: 146 },
      out: { events: 2, bytes: 265 },
    },
  ]);
  assert.deepEqual(r.candidate.totals, {
    matched: { events: 5, bytes: 737 },
    kept: { events: 1, bytes: 118 },
    releveled: { events: 2, bytes: 274 },
    raised: 1,
    dropped: { events: 2, bytes: 267 },
    out: { events: 3, bytes: 392 },
  });
  // 392 bytes in one hour → 9408 bytes a day; a 94080-byte budget holds 10 days.
  assert.equal(r.candidate.dailyBytes, 9408);
  assert.equal(r.candidate.daysInBudget, 10);
});

test('noisiest users, resources and verbs by bytes after the policy', async () => {
  const r = await simulatePolicy(records(), { policy: compilePolicy(candidate) });
  assert.deepEqual(r.candidate.noisiest, {
    users: [
      { key: 'alice', events: 2, bytes: 274 },
      { key: 'bob', events: 1, bytes: 118 },
    ],
    resources: [
      { key: 'pods', events: 1, bytes: 147 },
      { key: 'secrets', events: 1, bytes: 127 },
      { key: '/healthz', events: 1, bytes: 118 },
    ],
    verbs: [
      { key: 'create', events: 2, bytes: 274 },
      { key: 'get', events: 1, bytes: 118 },
    ],
  });
  assert.equal(r.candidate.daysInBudget, null);
});

test('a baseline side by side: everything at Metadata', async () => {
  const r = await simulatePolicy(records(), {
    policy: compilePolicy(candidate),
    baseline: compilePolicy(baseline),
  });
  // L1 121 kept; L2 127; L3 146 - 24 (,"requestObject":{"x":1}) + 1 ("Request" → "Metadata") = 123;
  // L4 147 - 24 + 1 = 124; L5 118 - 7 = 111. Total 606.
  assert.deepEqual(r.baseline?.totals, {
    matched: { events: 5, bytes: 737 },
    kept: { events: 1, bytes: 121 },
    releveled: { events: 4, bytes: 485 },
    raised: 0,
    dropped: { events: 0, bytes: 0 },
    out: { events: 5, bytes: 606 },
  });
  assert.equal(r.baseline?.dailyBytes, 606 * 24);
  assert.equal(r.candidate.totals.out.bytes, 392);
});

test('a log without a time span has no projection', async () => {
  const one: SimulationRecord[] = [{ type: 'event', event: JSON.parse(LINES[4]), bytes: 118 }];
  const r = await simulatePolicy(one, { policy: compilePolicy(candidate), budgetBytes: 1000 });
  assert.equal(r.log.from, null);
  assert.equal(r.candidate.dailyBytes, null);
  assert.equal(r.candidate.daysInBudget, null);
});

test('a time range keeps [from, to) only', async () => {
  // Times are base+0, +600, +1200, +1800, +3600 s: [base+600, base+1800) holds L2 and L3.
  const base = 1_700_000_000;
  const r = await simulatePolicy(records(), {
    policy: compilePolicy(candidate),
    timeRange: { from: base + 600, to: base + 1800 },
  });
  assert.equal(r.log.events, 2);
  assert.equal(r.log.outsideRange, 3);
  assert.equal(r.log.bytes, 205 + 146);
  // L2 re-leveled to 127 bytes, L3 dropped (RequestReceived).
  assert.equal(r.candidate.totals.out.bytes, 127);
  assert.equal(r.candidate.totals.dropped.events, 1);
});
