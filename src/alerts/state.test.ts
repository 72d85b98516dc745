import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDuckDbStore } from '../store/duckdb/index.js';
import { AlertStateStore, type HistoryEntry } from './state.js';

const entry = (time: number, ruleId: string, key: string): HistoryEntry => ({
  time,
  ruleId,
  ruleName: ruleId,
  severity: 'low',
  status: 'firing',
  group: '',
  title: key,
  notifications: [],
  key,
});

test('history: one entry per key, newest first, filtered by rule; prune by age', async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const s = new AlertStateStore(store);
    await s.addHistory(entry(100, 'a', 'k1'));
    await s.addHistory(entry(300, 'b', 'k2'));
    await s.addHistory(entry(200, 'a', 'k3'));
    await s.addHistory(entry(100, 'a', 'k1')); // a retried delivery writes the same entry again
    assert.deepEqual(
      (await s.history()).map((h) => h.key),
      ['k2', 'k3', 'k1'],
    );
    assert.deepEqual(
      (await s.history({ ruleId: 'a' })).map((h) => h.key),
      ['k3', 'k1'],
    );
    assert.deepEqual(
      (await s.history({ limit: 1 })).map((h) => h.key),
      ['k2'],
    );
    await s.addMessage({ time: 150, ruleId: 'a', severity: 'low', title: 't', body: 'b' }, 'k1');
    assert.equal(await s.prune(250), 3); // k1, k3 and the message at 150
    assert.deepEqual(
      (await s.history()).map((h) => h.key),
      ['k2'],
    );
    assert.equal((await s.messages()).messages.length, 0);
  } finally {
    await store.close();
  }
});

test('messages: a resend keeps one message and does not make it unread again', async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const s = new AlertStateStore(store);
    const m = { time: 100, ruleId: 'a', severity: 'high' as const, title: 't', body: 'b' };
    const id = await s.addMessage(m, 'key-1');
    await s.addMessage({ ...m, time: 200 }, 'key-2');
    assert.equal((await s.messages()).unread, 2);
    assert.equal(await s.markRead(id), true);
    assert.equal(await s.addMessage(m, 'key-1'), id);
    const after = await s.messages();
    assert.equal(after.unread, 1);
    assert.deepEqual(
      after.messages.map((x) => [x.time, x.read]),
      [
        [200, false],
        [100, true],
      ],
    );
    assert.equal(await s.markRead('nope'), false);
    assert.equal(await s.markAllRead(), 1);
    assert.equal(await s.markAllRead(), 0);
  } finally {
    await store.close();
  }
});

test('settings and state round-trip through the store', async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const s = new AlertStateStore(store);
    assert.deepEqual(await s.load('r'), {
      ruleId: 'r',
      lastRun: null,
      lastError: null,
      groups: {},
      lastNotified: {},
      outbox: [],
    });
    await s.save({ ...(await s.load('r')), lastRun: 5 });
    assert.equal((await s.load('r')).lastRun, 5);
    assert.equal((await s.allStates()).get('r')?.lastRun, 5);
    await s.setEnabled('r', false);
    assert.deepEqual([...(await s.settings())], [['r', { enabled: false }]]);
  } finally {
    await store.close();
  }
});
