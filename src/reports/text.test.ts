import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReportText } from './text.js';

const heading = { title: 'Demo', range: '2026-11-20 00:00:00 – 2026-11-21 00:00:00 UTC', filters: [] };

test('a one-value stat is one line; tables are aligned under their title; empty and failed panels say so', () => {
  const text = formatReportText(heading, [
    {
      id: 'n',
      title: 'Requests',
      chart: 'stat',
      query: 'q',
      columns: ['requests'],
      rows: [{ requests: 53 }],
    },
    {
      id: 'u',
      title: 'Per user',
      chart: 'bar',
      query: 'q',
      columns: ['user', 'requests'],
      rows: [
        { user: 'ops-carol', requests: 23 },
        { user: null, requests: 1 },
      ],
    },
    { id: 'e', title: 'Exec', chart: 'table', query: 'q', columns: ['pod'], rows: [] },
    {
      id: 'x',
      title: 'Broken',
      chart: 'table',
      query: 'q',
      columns: [],
      rows: [],
      error: 'query error: boom',
    },
    { id: 'r', title: 'Rate', chart: 'stat', query: 'q', columns: ['pct'], rows: [{ pct: null }] },
  ]);
  assert.equal(
    text,
    [
      'Demo  (2026-11-20 00:00:00 – 2026-11-21 00:00:00 UTC)',
      '',
      'Requests: 53',
      '',
      '== Per user ==',
      'user       requests',
      '---------  --------',
      'ops-carol        23',
      'NULL              1',
      '(2 rows)',
      '',
      '== Exec ==',
      '(no data)',
      '',
      '== Broken ==',
      'error: query error: boom',
      '',
      'Rate: no data',
      '',
    ].join('\n'),
  );
});

test('filters appear in the heading; several tabs are marked where each begins', () => {
  const text = formatReportText({ ...heading, filters: ['namespace team-a', 'status 403'] }, [
    { id: 'a', tab: 'overview', title: 'A', chart: 'stat', query: 'q', columns: ['n'], rows: [{ n: 1 }] },
    { id: 'b', tab: 'audit', title: 'B', chart: 'stat', query: 'q', columns: ['n'], rows: [{ n: 2 }] },
  ]);
  assert.equal(
    text,
    'Demo  (2026-11-20 00:00:00 – 2026-11-21 00:00:00 UTC; namespace team-a, status 403)\n\n' +
      '#### overview\n\nA: 1\n\n#### audit\n\nB: 2\n',
  );
});
