import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateLines } from '../generate/index.js';
import { BadBodyError, parseWebhookBody } from './webhook.js';
import { WebhookParserPool, defaultParserThreads } from './webhook-pool.js';

const lines = [...generateLines({ events: 60, seed: 9, days: 1, end: new Date('2026-11-20T00:00:00Z') })];
const body = (from: number, to: number) =>
  `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${lines.slice(from, to).join(',')}]}`;

test('bodies parsed in worker threads give the rows parsed on this thread, each to its caller', async () => {
  const pool = new WebhookParserPool({ redact: true }, 2);
  try {
    const bodies = [body(0, 20), body(20, 40), body(40, 60), body(0, 60)];
    const answers = await Promise.all(bodies.map((b, i) => pool.parse(b, `c${i}`, 'webhook:test')));
    bodies.forEach((b, i) => {
      const here = parseWebhookBody(b, `c${i}`, 'webhook:test');
      assert.equal(answers[i].received, here.received);
      assert.deepEqual(
        answers[i].rows.map((r) => [r.id, r.cluster, r.timeUs]),
        here.rows.map((r) => [r.id, r.cluster, r.timeUs]),
      );
    });
    assert.equal(answers[3].rows.length, 60);
  } finally {
    await pool.close();
  }
});

test('a malformed body is a BadBodyError with the reason; a dead worker is replaced', async () => {
  const pool = new WebhookParserPool({ redact: false }, 1);
  try {
    await assert.rejects(pool.parse('{"items": [', 'c', 's'), (e: unknown) => {
      return e instanceof BadBodyError && /not JSON/.test(e.message);
    });
    // Kill the only worker: the body it holds fails, the next one is parsed by its replacement.
    // (a body large enough to be still in the worker when it is killed: 6,000 events, ~100 ms)
    const large = `{"kind":"EventList","items":[${Array.from({ length: 100 }, () => lines.join(',')).join(',')}]}`;
    const inFlight = pool.parse(large, 'c', 's');
    await (
      pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }
    ).slots[0].worker.terminate();
    await assert.rejects(inFlight, /parser thread exited/);
    const again = await pool.parse(body(0, 10), 'c', 's');
    assert.equal(again.rows.length, 10);
  } finally {
    await pool.close();
  }
});

test('a pool whose threads cannot start parses on the calling thread instead of respawning them', async () => {
  let calls = 0;
  const fallback = (b: string, c: string, s: string) => {
    calls++;
    return parseWebhookBody(b, c, s);
  };
  // The worker fails while loading its transforms (no such policy file) and never becomes ready.
  const pool = new WebhookParserPool(
    { policy: '/nonexistent/kaudit-policy.yaml', redact: false },
    2,
    fallback,
  );
  try {
    const parsed = await pool.parse(body(0, 5), 'c', 's');
    assert.equal(parsed.rows.length, 5);
    assert.equal(calls, 1, 'the fallback parsed the body');
    assert.equal((pool as unknown as { slots: unknown[] }).slots.length, 0, 'no thread is started again');
  } finally {
    await pool.close();
  }
});

test('parser threads: one core stays with the main thread', () => {
  assert.equal(defaultParserThreads(1), 1);
  assert.equal(defaultParserThreads(2), 1);
  assert.equal(defaultParserThreads(8), 4);
});
