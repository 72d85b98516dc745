import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { printResult, formatTable, type PrintableResult } from './output.js';
import type { OutputFormat } from './flags.js';

function print(result: PrintableResult, format: OutputFormat): string {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  printResult(result, format, out);
  return text;
}

const RESULT = {
  columns: [
    { name: 'name', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
    { name: 'h', type: 'MAP' },
  ],
  rows: [
    ['a,"b"', 9007199254740993n, { get: 2 }],
    [null, 1.5, null],
  ],
};

test('json: one array of row objects; bigints beyond 2^53 as strings; NULL as null', () => {
  assert.deepEqual(JSON.parse(print(RESULT, 'json')), [
    { name: 'a,"b"', n: '9007199254740993', h: { get: 2 } },
    { name: null, n: 1.5, h: null },
  ]);
});

test('ndjson: one object per line', () => {
  assert.equal(
    print(RESULT, 'ndjson'),
    '{"name":"a,\\"b\\"","n":"9007199254740993","h":{"get":2}}\n{"name":null,"n":1.5,"h":null}\n',
  );
});

test('csv: header, quoted fields, objects as JSON, NULL empty', () => {
  assert.equal(print(RESULT, 'csv'), 'name,n,h\n"a,""b""",9007199254740993,"{""get"":2}"\n,1.5,\n');
});

test('table: aligned columns, numbers right-aligned, wide characters count twice', () => {
  const t = formatTable({
    columns: [{ name: '源地址' }, { name: 'n' }],
    rows: [
      ['1.2.3.4', 12],
      ['x', 3],
    ],
  });
  assert.equal(t, ['源地址    n', '-------  --', '1.2.3.4  12', 'x         3', '(2 rows)', ''].join('\n'));
});

test('events: JSON keeps whole events; the table summarises them', () => {
  const events = [{ auditID: 'e1', verb: 'get', user: { username: 'alice' }, __time__: 10, cluster: 'c' }];
  assert.deepEqual(JSON.parse(print({ events }, 'json')), events);
  const csv = print({ events }, 'csv').split('\n');
  assert.equal(
    csv[0],
    '__time__,cluster,user.username,verb,objectRef.resource,objectRef.namespace,objectRef.name,responseStatus.code,sourceIPs,auditID',
  );
  assert.equal(csv[1], '10,c,alice,get,,,,,,e1');
});

test('events in a table show the time in the query zone', () => {
  const events = [{ auditID: 'e1', verb: 'get', __time__: 1592374067, cluster: 'c' }];
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  printResult({ events }, 'table', out, { timezone: 'Asia/Shanghai' });
  const [header, , row] = text.split('\n');
  assert.match(header, /^time {17}cluster/);
  assert.match(row, /^2020-06-17 14:07:47 {2}c/);
});
