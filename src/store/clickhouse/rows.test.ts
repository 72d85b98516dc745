import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEventObject } from '../../event/decode.js';
import { prepareRow } from '../../ingest/prepare.js';
import { ALL_COLUMNS } from '../../event/columns.js';
import type { IngestRow } from '../store.js';
import { clickHouseRows, idFromHex, idHex } from './rows.js';

function row(ev: Record<string, unknown>, cluster = 'c1'): IngestRow {
  const d = decodeEventObject(ev);
  if (typeof d === 'string') throw new Error(d);
  return prepareRow(d, cluster, 'file:/var/log/audit.log')!;
}

const event = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'Request',
  auditID: 'a-1',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/prod/secrets/db',
  verb: 'get',
  user: { username: 'Alice', groups: ['dev', 'ops'] },
  sourceIPs: ['10.0.0.1'],
  objectRef: { resource: 'secrets', namespace: 'prod', name: 'db', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 403 },
  requestObject: { a: 'Tab\there' },
  requestReceivedTimestamp: '2024-05-01T10:00:00.000000Z',
  stageTimestamp: '2024-05-01T10:00:01.250000Z',
};

test('a row carries every catalogue column with the values DuckDB derives', async () => {
  const [r] = await clickHouseRows([row(event)], 1714600000);
  assert.deepEqual(
    Object.keys(r),
    ALL_COLUMNS.map((c) => c.name),
  );
  // Worked out from the event: stageTimestamp 2024-05-01T10:00:01.25Z = 1714557601.25 s.
  assert.equal(r.__time__, 1714557601);
  assert.equal(r._time_us, 1714557601250000);
  assert.equal(r['__tag__:__receive_time__'], 1714600000);
  assert.equal(r.cluster, 'c1');
  assert.equal(r.__source__, 'file:/var/log/audit.log');
  assert.equal(r.__topic__, '');
  assert.equal(r.verb, 'get');
  assert.equal(r['user.username'], 'Alice');
  assert.equal(r['user.groups'], '["dev","ops"]');
  assert.equal(r.sourceIPs, '["10.0.0.1"]');
  assert.equal(r['objectRef.resource'], 'secrets');
  assert.equal(r['responseStatus.code'], 403);
  assert.equal(r.requestObject, '{"a":"Tab\\there"}');
  assert.equal(r.responseObject, null);
  assert.equal(r['impersonatedUser.username'], null);
  // _text: lower-cased, the \t escape turned into a delimiter (a space).
  assert.match(String(r._text), /"alice"/);
  assert.match(String(r._text), /tab here/);
  assert.doesNotMatch(String(r._text), /Alice/);
  assert.equal(JSON.parse(String(r._raw)).auditID, 'a-1');
  assert.match(String(r._id), /^[0-9a-f]{32}$/);
});

test('copies of one event in a batch become one row; rows come out ordered by time', async () => {
  const later = { ...event, auditID: 'a-2', stageTimestamp: '2024-05-01T11:00:00Z' };
  const out = await clickHouseRows([row(later), row(event), row(event)]);
  assert.deepEqual(
    out.map((r) => r.auditID),
    ['a-1', 'a-2'],
  );
  // The same event in another cluster is another event (identity covers the cluster).
  const both = await clickHouseRows([row(event, 'c1'), row(event, 'c2')]);
  assert.equal(both.length, 2);
  assert.notEqual(both[0]._id, both[1]._id);
});

test('identity hex is 32 digits and round-trips, with leading zeros kept', () => {
  assert.equal(idHex(255n), '000000000000000000000000000000ff');
  assert.equal(idFromHex('000000000000000000000000000000ff'), 255n);
  const max = (1n << 128n) - 1n;
  assert.equal(idHex(max), 'f'.repeat(32));
  assert.equal(idFromHex(idHex(max)), max);
});

test('an empty batch converts to no rows', async () => {
  assert.deepEqual(await clickHouseRows([]), []);
});
