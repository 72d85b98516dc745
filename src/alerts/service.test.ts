import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../event/types.js';
import { storeWithEvents } from '../store/duckdb/testing.js';
import { alertsConfigSchema } from './config.js';
import { startReceiver } from './notify/testing.js';
import { AlertService, stateStoreOf } from './service.js';

const AT = Date.UTC(2024, 4, 1, 10, 0, 0) / 1000;

const RULE = `
rules:
  - id: kaudit-svc-delete
    name: Delete
    severity: low
    level: Metadata
    schedule: 1m
    window: { from: -1h, to: now }
    queries: ['verb: delete | select auditID']
    groupBy: [auditID]
    notifyResolved: false
`;

test('the scheduler runs a rule when due, never two evaluations of one rule at once, and honours disable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-svc-'));
  writeFileSync(join(dir, 'r.yaml'), RULE);
  const ev = (id: string, at: number): AuditEvent =>
    ({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      stage: 'ResponseComplete',
      auditID: id,
      verb: 'delete',
      requestURI: '/api/v1/namespaces/a/configmaps/c',
      user: { username: 'u' },
      objectRef: { resource: 'configmaps', namespace: 'a', name: 'c' },
      requestReceivedTimestamp: new Date(at * 1000).toISOString(),
      stageTimestamp: new Date(at * 1000).toISOString(),
    }) as AuditEvent;
  const store = await storeWithEvents([ev('d1', AT - 100)]);
  const rx = await startReceiver();
  let clock = AT;
  const logs: string[] = [];
  const svc = new AlertService({
    store: () => store,
    config: alertsConfigSchema.parse({
      channels: { hook: { type: 'webhook', url: rx.url, timeout: '3s' } },
      defaultChannels: ['hook'],
      retry: { attempts: 1 },
    }),
    timezone: 'UTC',
    log: (_l, msg) => logs.push(msg),
    now: () => clock,
    tickMs: 3_600_000,
    rulePaths: [dir],
    builtins: false,
  });
  try {
    // the first delivery hangs (until the channel's 3s timeout), so the evaluation stays busy
    rx.answer = (_r, n) => (n === 1 ? 'hang' : { status: 200, body: 'ok' });
    await svc.start();
    assert.deepEqual(svc.problems, []);
    assert.equal(rx.requests.length, 0, 'not due before the next whole minute');
    clock = AT + 60;
    await svc.tick();
    assert.deepEqual(svc.busy, ['kaudit-svc-delete']);
    for (let i = 0; i < 100 && rx.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(rx.requests.length, 1);
    // due again while the first is still delivering: skipped, not started twice
    clock = AT + 120;
    await svc.tick();
    assert.deepEqual(svc.busy, ['kaudit-svc-delete']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rx.requests.length, 1);
    const state = stateStoreOf(() => store);
    for (let i = 0; i < 100 && svc.busy.length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(svc.busy, []);
    assert.equal((await state.load('kaudit-svc-delete')).lastRun, AT + 60);
    const [h] = await state.history();
    assert.match(h.notifications[0].error ?? '', /no answer within 3s/);
    // disabled through the store setting: a due time passes without an evaluation
    await state.setEnabled('kaudit-svc-delete', false);
    clock = AT + 600;
    await svc.tick();
    assert.deepEqual(svc.busy, []);
    assert.equal((await state.load('kaudit-svc-delete')).lastRun, AT + 60);
    // enabled again: it runs at the next tick (it is overdue)
    await state.setEnabled('kaudit-svc-delete', true);
    await svc.tick();
    for (let i = 0; i < 100 && svc.busy.length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await state.load('kaudit-svc-delete')).lastRun, AT + 600);
  } finally {
    await rx.close();
    await svc.stop(2000);
    await store.close();
  }
  assert.ok(logs.includes('alerts started'));
});
