import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileQuery } from '../query/index.js';
import { runQuery } from '../query/run.js';
import { duckDbDialect } from '../store/duckdb/dialect/index.js';
import { storeWithEvents } from '../store/duckdb/testing.js';
import type { AuditEvent } from '../event/types.js';
import {
  exceptionTerms,
  expandQuery,
  searchLiteral,
  sqlLiteral,
  type ExpansionScope,
} from './placeholders.js';

const scope = (lists: Record<string, string[]>, macros: Record<string, string> = {}): ExpansionScope => ({
  lists: new Map(Object.entries(lists)),
  macros: new Map(Object.entries(macros)),
});

test('literals: search phrases escape \\ and ", SQL literals double quotes', () => {
  assert.equal(searchLiteral('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(sqlLiteral("o'brien"), "'o''brien'");
});

test('a list item naming another list stands for its items; cycles are errors', () => {
  const s = scope({ a: ['x', 'b'], b: ['y', 'z'] });
  assert.equal(expandQuery('{{verb in a}}', s), '(verb: "x" or verb: "y" or verb: "z")');
  assert.throws(() => expandQuery('{{verb in c}}', scope({ c: ['d'], d: ['c'] })), /includes itself/);
});

test('exception tuples must match the fields', () => {
  assert.throws(
    () => exceptionTerms([{ name: 'e', fields: ['a', 'b'], values: [['only-one']] }]),
    /has 1 item\(s\) for 2 field\(s\)/,
  );
});

test('property: any list values expand to queries that compile, and IN ({{list}}) selects exactly them', async () => {
  const names = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 });
  // compile-only: search and SQL placeholders never break the query, whatever the values hold
  fc.assert(
    fc.property(names, (values) => {
      const q = expandQuery(
        '{{user.username in l}} | select count(*) as n where "user.username" in ({{l}})',
        scope({ l: values }),
        [{ name: 'e', fields: ['verb'], values: values.map((v) => [v]) }],
      );
      compileQuery(q, { timezone: 'UTC' }, duckDbDialect);
    }),
    { numRuns: 200 },
  );
  // against the store: the SQL list selects exactly the users named
  await fc.assert(
    fc.asyncProperty(names, names, async (listed, others) => {
      const all = [...new Set([...listed, ...others])];
      const events = all.map(
        (u, i) =>
          ({
            kind: 'Event',
            apiVersion: 'audit.k8s.io/v1',
            level: 'Metadata',
            stage: 'ResponseComplete',
            auditID: `a${i}`,
            verb: 'get',
            requestURI: '/api',
            user: { username: u },
            requestReceivedTimestamp: '2024-05-01T10:00:00Z',
            stageTimestamp: '2024-05-01T10:00:00Z',
          }) as AuditEvent,
      );
      const store = await storeWithEvents(events);
      try {
        const q = expandQuery(
          '* | select count(*) as n where "user.username" in ({{l}})',
          scope({ l: listed }),
        );
        const out = await runQuery(store, q, { timezone: 'UTC' });
        assert.equal(out.kind, 'sql');
        if (out.kind === 'sql') assert.equal(out.rows[0][0], listed.length);
      } finally {
        await store.close();
      }
    }),
    { numRuns: 15 },
  );
});
