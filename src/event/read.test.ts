import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readAuditEvents, InputError, type ReadItem } from './read.js';

const ev = (id: string) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'get',
    stageTimestamp: '2024-01-15T10:20:31.000000Z',
  });

async function readAll(path: string, opts = {}): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const i of readAuditEvents(path, opts)) out.push(i);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'kaudit-read-'));

test('JSON lines with a bad line in the middle: events kept, the bad line rejected with its number', async () => {
  const p = join(dir, 'a.log');
  writeFileSync(p, `${ev('1')}\n{"truncated":\n${ev('3')}\n\n${ev('5')}`); // no trailing newline
  const items = await readAll(p);
  const events = items.filter((i) => i.type === 'event');
  const rejects = items.filter((i) => i.type === 'reject');
  assert.deepEqual(
    events.map((e) => (e.type === 'event' ? [e.event.auditID, e.line] : null)),
    [
      ['1', 1],
      ['3', 3],
      ['5', 5],
    ],
  );
  assert.equal(rejects.length, 1);
  assert.equal(rejects[0].line, 2);
});

test('gzip is detected by content, whatever the name', async () => {
  const p = join(dir, 'b.log');
  writeFileSync(p, gzipSync(`${ev('1')}\n${ev('2')}\n`));
  assert.equal((await readAll(p)).filter((i) => i.type === 'event').length, 2);
});

test('a pretty-printed EventList document is read whole', async () => {
  const p = join(dir, 'list.json');
  const list = {
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    items: [JSON.parse(ev('1')), JSON.parse(ev('2'))],
  };
  writeFileSync(p, JSON.stringify(list, null, 2));
  const items = await readAll(p);
  assert.deepEqual(
    items.map((i) => i.type),
    ['event', 'event'],
  );
});

test('container-runtime partial lines are joined', async () => {
  const line = ev('joined');
  const p = join(dir, 'cri.log');
  writeFileSync(
    p,
    `2024-01-15T10:00:00Z stdout P ${line.slice(0, 40)}\n2024-01-15T10:00:00Z stdout F ${line.slice(40)}\n`,
  );
  const items = await readAll(p);
  assert.equal(items.length, 1);
  assert.equal(items[0].type === 'event' && items[0].event.auditID, 'joined');
});

test('a line over the size limit is rejected without stopping the read', async () => {
  const p = join(dir, 'big.log');
  const big = JSON.stringify({ ...JSON.parse(ev('big')), requestObject: { data: 'x'.repeat(5000) } });
  writeFileSync(p, `${ev('1')}\n${big}\n${ev('3')}\n`);
  const items = await readAll(p, { maxEventBytes: 1000 });
  assert.deepEqual(
    items.map((i) => [i.type, i.line]).sort((a, b) => Number(a[1]) - Number(b[1])),
    [
      ['event', 1],
      ['reject', 2],
      ['event', 3],
    ],
  );
  const rej = items.find((i) => i.type === 'reject');
  assert.match(rej!.type === 'reject' ? rej!.reason : '', /MiB limit for one event/);
});

test('a missing file is an InputError naming the path', async () => {
  await assert.rejects(
    readAll(join(dir, 'nope.log')),
    (e: unknown) => e instanceof InputError && /does not exist/.test(e.message),
  );
});

test('a truncated gzip keeps the events before the break and reports it', async () => {
  const p = join(dir, 'trunc.log.gz');
  const lines = Array.from({ length: 2000 }, (_, i) => ev(String(i))).join('\n') + '\n';
  const gz = gzipSync(lines);
  writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
  const items = await readAll(p);
  const events = items.filter((i) => i.type === 'event').length;
  assert.ok(events > 0 && events < 2000, `some but not all events: ${events}`);
  assert.ok(items.some((i) => i.type === 'reject' && /gzip data is corrupt or truncated/.test(i.reason)));
});
