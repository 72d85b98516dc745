// Search statements executed on a real store (the ingest path of src/store/duckdb/testing.ts).
// Every expected answer below is worked out by hand from sls-query.md §3 and the seven events
// described in EVENTS; the comment beside each case gives the reasoning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AuditEvent } from '../../../event/types.js';
import { parseSearch } from '../../../query/search/index.js';
import { QueryError } from '../../../query/errors.js';
import { EVENTS_RELATION } from '../../store.js';
import { addEvents, storeWithEvents } from '../testing.js';
import type { DuckDbStore } from '../index.js';
import { searchToDuckDb } from './search.js';
import { BLOOM_COLUMNS, bloomWords } from '../../../query/search/bloom.js';

function ev(id: string, extra: Partial<AuditEvent> & Record<string, unknown>): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestReceivedTimestamp: '2026-11-20T10:00:00.000000Z',
    stageTimestamp: '2026-11-20T10:00:01.000000Z',
    ...extra,
  } as AuditEvent;
}

// a3 comes from apiserver-style JSON text: `\u0026` (Go's escape of `&`) and `\"`, `\n` inside values.
const A3_LINE =
  '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"a3","stage":"ResponseComplete",' +
  '"requestURI":"/api/v1/namespaces/team-a/configmaps","verb":"create","user":{"username":"nodejs-bot"},' +
  '"sourceIPs":["203.0.113.7"],"objectRef":{"resource":"configmaps","namespace":"team-a","name":"cfg"},' +
  '"responseStatus":{"code":201},"requestObject":{"kind":"ConfigMap","data":{"url":"http://x/?q=alpha\\u0026beta",' +
  '"note":"say \\"hello\\" and bye\\nline2"}},' +
  '"requestReceivedTimestamp":"2026-11-20T10:00:00.000000Z","stageTimestamp":"2026-11-20T10:00:01.000000Z"}';

/**
 * a1 system:node:worker-1 get nodes 200 · a2 kubernetes-node list pods (kube-system) 403 ·
 * a3 nodejs-bot create configmaps 201 with a body · a4 kubernetes-admin create pods/exec 101 with
 * RBAC annotations · a5 anonymous (no username, empty userAgent) get /healthz 401 · a6
 * system:kube-scheduler watch pods, RequestReceived without responseStatus · a7 alice@example.com
 * create pods 201 with two containers. a1–a3 come from a file, a4–a7 from a webhook.
 */
const FILE_EVENTS: AuditEvent[] = [
  ev('a1', {
    requestURI: '/api/v1/nodes/worker-1',
    verb: 'get',
    user: { username: 'system:node:worker-1', groups: ['system:nodes'] },
    sourceIPs: ['10.0.0.1'],
    userAgent: 'kubelet/v1.30.1',
    objectRef: { resource: 'nodes', name: 'worker-1' },
    responseStatus: { code: 200 },
  }),
  ev('a2', {
    requestURI: '/api/v1/namespaces/kube-system/pods',
    verb: 'list',
    user: { username: 'kubernetes-node' },
    sourceIPs: ['192.168.1.20'],
    userAgent: 'kubectl|v1',
    objectRef: { resource: 'pods', namespace: 'kube-system' },
    responseStatus: { code: 403 },
  }),
  JSON.parse(A3_LINE) as AuditEvent,
];
const WEBHOOK_EVENTS: AuditEvent[] = [
  ev('a4', {
    stage: 'ResponseStarted',
    requestURI: '/api/v1/namespaces/default/pods/web-1/exec?command=sh&container=web&stdin=true',
    verb: 'create',
    user: { username: 'kubernetes-admin' },
    sourceIPs: ['203.0.113.7', '10.0.0.5'],
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web-1' },
    responseStatus: { code: 101 },
    annotations: {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason':
        'RBAC: allowed by RoleBinding "admin-binding/default" of ClusterRole "admin" to User "alice"',
    },
  }),
  ev('a5', {
    requestURI: '/healthz',
    verb: 'get',
    user: { groups: ['system:unauthenticated'] },
    sourceIPs: ['198.51.100.9'],
    userAgent: '',
    responseStatus: { code: 401 },
  }),
  ev('a6', {
    stage: 'RequestReceived',
    requestURI: '/api/v1/pods?watch=true',
    verb: 'watch',
    user: { username: 'system:kube-scheduler' },
    sourceIPs: ['10.0.0.2'],
    userAgent: 'C:\\tools\\kubectl.exe',
    objectRef: { resource: 'pods' },
  }),
  ev('a7', {
    level: 'Request',
    requestURI: '/api/v1/namespaces/team-a/pods',
    verb: 'create',
    user: { username: 'alice@example.com' },
    sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'team-a' },
    responseStatus: { code: 201 },
    requestObject: {
      kind: 'Pod',
      spec: {
        priority: 1000,
        containers: [
          { name: 'app', image: 'nginx:1.25' },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
  }),
];
const ALL = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
const except = (...ids: string[]): string[] => ALL.filter((x) => !ids.includes(x));

let store: DuckDbStore;
before(async () => {
  store = await storeWithEvents(FILE_EVENTS, { source: '/var/log/audit/a.log' });
  await addEvents(store, WEBHOOK_EVENTS, { source: 'webhook' });
});
after(async () => store?.close());

async function idsWhere(where: string): Promise<string[]> {
  const r = await store.querySql(
    `SELECT "auditID" FROM ${EVENTS_RELATION} WHERE ${where} ORDER BY "auditID"`,
  );
  return r.rows.map((row) => String(row[0]));
}

/**
 * Matching auditIDs, found twice: with the two-valued rendering and with the WHERE-only one (leaves
 * outside a `not` may be NULL there). Both must give the same answer.
 */
async function ids(query: string): Promise<string[]> {
  const ast = parseSearch(query);
  const definite = await idsWhere(searchToDuckDb(ast));
  assert.deepEqual(
    await idsWhere(searchToDuckDb(ast, { filter: true })),
    definite,
    `filter form of: ${query}`,
  );
  return definite;
}

async function expectIds(query: string, expected: string[]): Promise<void> {
  assert.deepEqual(await ids(query), expected, `search: ${query}`);
}

describe('search on the store', () => {
  test('the fixture is stored as described', async () => {
    await expectIds('', ALL);
    await expectIds('*', ALL);
    await expectIds('* and verb:watch', ['a6']);
    await expectIds('verb:watch or *', ALL);
    await expectIds('not *', []);
    await expectIds('verb:watch not *', []);
  });

  test('token boundaries: node is a token of system:node:worker-1 only', async () => {
    // kubernetes-node and nodejs-bot are single tokens ('-' is not a delimiter).
    await expectIds('user.username: node', ['a1']);
    await expectIds('USER.USERNAME: NODE', ['a1']);
    await expectIds('user.username: nodejs-bot', ['a3']);
    // kube-system and kube-scheduler are tokens; kube alone is not.
    await expectIds('kube', []);
    await expectIds('kube-system', ['a2']);
    // '@' is a delimiter: alice@example.com holds the tokens alice and example.com.
    await expectIds('user.username: alice', ['a7']);
    await expectIds('user.username: example', []);
  });

  test('low-cardinality columns (split into tokens) keep token semantics', async () => {
    // Namespaces: a2 kube-system, a3 and a7 team-a, a4 default; the others have none.
    await expectIds('objectRef.namespace: kube', []); // '-' is not a delimiter
    await expectIds('objectRef.namespace: KUBE-SYSTEM', ['a2']);
    await expectIds('objectRef.namespace: team-a', ['a3', 'a7']);
    await expectIds('not objectRef.namespace: team-a', except('a3', 'a7')); // lacking the field: kept
    await expectIds('stage: responsestarted or stage: RequestReceived', ['a4', 'a6']);
    // A value holding delimiters: its words are tokens, in any order; a phrase keeps the order.
    const local = await storeWithEvents([
      ev('r1', { responseStatus: { code: 403, reason: 'Forbidden: user/alice' } }),
      ev('r2', { responseStatus: { code: 403, reason: 'alice-Forbidden' } }),
    ]);
    try {
      const found = async (q: string) =>
        (
          await local.querySql(
            `SELECT "auditID" FROM ${EVENTS_RELATION} WHERE ${searchToDuckDb(parseSearch(q))} ORDER BY 1`,
          )
        ).rows.map((r) => String(r[0]));
      assert.deepEqual(await found('responseStatus.reason: alice'), ['r1']);
      assert.deepEqual(await found('responseStatus.reason: forbidden'), ['r1']);
      // Quoted words are all required in any order (sls-query.md §3); #"…" is the ordered phrase.
      assert.deepEqual(await found('responseStatus.reason: "alice forbidden"'), ['r1']);
      assert.deepEqual(await found('responseStatus.reason: #"alice forbidden"'), []);
      assert.deepEqual(await found('responseStatus.reason: #"forbidden user"'), ['r1']);
      assert.deepEqual(await found('responseStatus.reason: alice and responseStatus.reason: user'), ['r1']);
      assert.deepEqual(await found('responseStatus.reason: alice-forbidden'), ['r2']);
      assert.deepEqual(await found('responseStatus.reason: alice*'), ['r1', 'r2']);
    } finally {
      await local.close();
    }
  });

  test('not keeps logs that lack the field', async () => {
    // a5 has no user.username and is kept.
    await expectIds('not user.username: node', except('a1'));
    await expectIds('not user.username:*', ['a5']);
    await expectIds('not responseStatus.code > 400', except('a2', 'a5'));
  });

  test('as a WHERE condition, leaves outside a not may be NULL; under a not they never are', () => {
    // a5 has no objectRef.namespace: `objectRef.namespace: team-a` is NULL there, which a WHERE
    // rejects like FALSE, but `not NULL` would reject it too, so the negated leaf keeps its COALESCE.
    const where = searchToDuckDb(parseSearch('verb: get and objectRef.namespace: team-a'), { filter: true });
    assert.doesNotMatch(where, /COALESCE/);
    const negated = searchToDuckDb(parseSearch('verb: get not objectRef.namespace: team-a'), {
      filter: true,
    });
    assert.equal(negated.match(/COALESCE/g)?.length, 1, negated);
    assert.match(searchToDuckDb(parseSearch('verb: get')), /^COALESCE/);
  });

  test('several tokens are all required, any order; a phrase needs them adjacent and in order', async () => {
    await expectIds('user.username: system:node', ['a1']); // a6 has system but not node
    await expectIds('user.username: "node system"', ['a1']);
    await expectIds('user.username: #"node system"', []);
    await expectIds('#"system node"', ['a1']);
    await expectIds('#"node system"', []);
  });

  test('wildcards inside or at the end of a token; literal inside quotes', async () => {
    await expectIds('user.username: kube*', ['a2', 'a4', 'a6']); // kubernetes-node, kubernetes-admin, kube-scheduler
    await expectIds('user.username: node*', ['a1', 'a3']); // node, nodejs-bot
    await expectIds('user.username: worker-?', ['a1']);
    await expectIds('user.username: k*-admin', ['a4']);
    await expectIds('nodej*', ['a3']);
    await expectIds('sourceIPs: 203.0.*', ['a3', 'a4']);
    // Quoted, '?' is the literal delimiter: the only token is worker-, which no log has.
    await expectIds('user.username: "worker-?"', []);
  });

  test('precedence: and binds tighter than not, not tighter than or; unary not binds tightest', async () => {
    // create = {a3,a4,a7}; pods ∧ exec = {a4} → {a3,a7}  ((create − pods) ∧ exec would be {}).
    await expectIds('verb:create not objectRef.resource:pods and objectRef.subresource:exec', ['a3', 'a7']);
    // list ∪ (get − code>=400) = {a2} ∪ ({a1,a5} − {a2,a5}) ((list ∪ get) − … would be {a1}).
    await expectIds('verb:list or verb:get not responseStatus.code >= 400', ['a1', 'a2']);
    await expectIds('(verb:list or verb:get) not responseStatus.code >= 400', ['a1']);
    // (not get) ∧ list = {a2}  (not (get ∧ list) would be everything).
    await expectIds('not verb:get and verb:list', ['a2']);
    await expectIds('NOT verb:get AND verb:list', ['a2']);
    // Juxtaposition is and.
    await expectIds('verb:create objectRef.resource:pods', ['a4', 'a7']);
    await expectIds('not alice', except('a4', 'a7'));
  });

  test('numeric comparisons and ranges on long fields', async () => {
    await expectIds('responseStatus.code > 400', ['a2', 'a5']);
    await expectIds('responseStatus.code>=401', ['a2', 'a5']);
    await expectIds('responseStatus.code < 200', ['a4']);
    await expectIds('responseStatus.code <= 200', ['a1', 'a4']);
    await expectIds('responseStatus.code = 101', ['a4']);
    await expectIds('responseStatus.code:201', ['a3', 'a7']);
    // codes: a1 200, a2 403, a3 201, a4 101, a5 401, a6 none, a7 201.
    await expectIds('responseStatus.code in [200 403)', ['a1', 'a3', 'a5', 'a7']);
    await expectIds('responseStatus.code in [200 403]', ['a1', 'a2', 'a3', 'a5', 'a7']);
    await expectIds('responseStatus.code in (200 403]', ['a2', 'a3', 'a5', 'a7']);
    await expectIds('responseStatus.code in (200 401)', ['a3', 'a7']);
    await expectIds('not responseStatus.code:*', ['a6']);
    await expectIds('__tag__:__receive_time__ > 0', ALL);
    await expectIds('__time__ in [1795168801 1795168802)', ALL); // 2026-11-20T10:00:01Z
    await expectIds('__time__ > 1795168801', []);
  });

  test('a comparison on a text field searches the words instead (sls-query.md §3.3)', async () => {
    // verb > list → full text verb AND list: only a2 has the token list.
    await expectIds('verb > list', ['a2']);
  });

  test('exists and empty value', async () => {
    await expectIds('objectRef.subresource:*', ['a4']);
    await expectIds('userAgent:""', ['a5']);
    await expectIds('not userAgent:""', except('a5'));
  });

  test('full text covers key names, annotations and bodies, matched on decoded values', async () => {
    await expectIds('subresource', ['a4']); // a key name
    await expectIds('alice', ['a4', 'a7']); // annotation text and alice@example.com
    await expectIds('hello', ['a3']); // "say \"hello\"": the escaped quotes are delimiters once decoded
    await expectIds('line2', ['a3']); // after an escaped newline
    await expectIds('beta', ['a3']); // alpha\u0026beta is alpha&beta: & is a delimiter
    await expectIds('"and"', ['a3']);
    await expectIds('"\\\\tools\\\\kubectl.exe"', ['a6']); // backslashes are not delimiters
    // A whole quoted value (the fast path: `"nodejs-bot"` is in the text) and tokens that are not.
    await expectIds('nodejs-bot', ['a3']);
    await expectIds('kubernetes-node', ['a2']);
    await expectIds('nodejs', []); // '-' is not a delimiter: nodejs is no token of nodejs-bot
  });

  test('JSON columns and paths inside them search decoded keys and values of that sub-tree', async () => {
    await expectIds('requestObject: hello', ['a3']);
    await expectIds('requestObject: beta', ['a3']);
    await expectIds('requestObject: data', ['a3']); // a key name inside the body
    await expectIds('requestObject.data.note: "say \\"hello\\""', ['a3']);
    await expectIds('requestObject.data.url: beta', ['a3']);
    await expectIds('requestObject.data.url: hello', []);
    await expectIds('requestObject.spec.containers.image: nginx', ['a7']);
    await expectIds('requestObject.spec.containers.image: busybox', ['a7']);
    await expectIds('requestObject.spec.containers.name: nginx', []);
    // A comparison on a path compares its value as a number.
    await expectIds('requestObject.spec.priority > 999', ['a7']);
    await expectIds('requestObject.spec.priority in [0 1000)', []);
    await expectIds('requestObject.spec.priority: *', ['a7']);
    await expectIds('requestObject.spec.replicas: *', []);
    // A path through arrays exists only in the events that have it (a3 has a requestObject too).
    await expectIds('requestObject.spec.containers.image: *', ['a7']);
    await expectIds('not requestObject.spec.containers.image: *', except('a7'));
    await expectIds('annotations.authorization.k8s.io/reason: RoleBinding', ['a4']);
    await expectIds('annotations.authorization.k8s.io/reason: alice', ['a4']);
    await expectIds('annotations.authorization.k8s.io/decision: allow', ['a4']);
    await expectIds('annotations.authorization.k8s.io/decision: RoleBinding', []);
    await expectIds('user: unauthenticated', ['a5']);
    await expectIds('user.groups: system:nodes', ['a1']);
    await expectIds('objectRef: web-1', ['a4']);
  });

  test('array text fields: IP addresses are whole tokens', async () => {
    await expectIds('sourceIPs: 203.0.113.7', ['a3', 'a4']);
    await expectIds('sourceIPs: 10.0.0.1', ['a1', 'a7']);
    await expectIds('sourceIPs: 203.0.113', []);
  });

  test('escapes: \\" inside quotes, \\| in a bare value', async () => {
    await expectIds('userAgent: kubectl\\|v1', ['a2']); // '|' is not a delimiter
    await expectIds('userAgent: kubectl', []);
    await expectIds('userAgent: "C:\\\\tools\\\\kubectl.exe"', ['a6']);
  });

  test('__source__ and __topic__ match whole values only; source is an alias', async () => {
    await expectIds('__source__: /var/log/audit/a.log', ['a1', 'a2', 'a3']);
    await expectIds('__source__: audit', []); // token matching would have found a1–a3
    await expectIds('__source__: /var/log/*', ['a1', 'a2', 'a3']);
    await expectIds('source: WEBHOOK', ['a4', 'a5', 'a6', 'a7']);
    await expectIds('__topic__: ""', ALL); // kaudit stores an empty topic
  });

  test('the documents’ searches run verbatim', async () => {
    // sls-query.md §6 (1): filter out system components. username tokens: a1 node ✗, a2
    // kubernetes-node ✓, a3 ✓, a4 ✓, a5 has none ✓, a6 kube-scheduler ✗, a7 ✓.
    await expectIds(
      'NOT user.username: node NOT user.username: serviceaccount NOT user.username: apiserver NOT user.username: kube-scheduler NOT user.username: kube-controller-manager',
      ['a2', 'a3', 'a4', 'a5', 'a7'],
    );
    // §6 (2): exec into a container.
    await expectIds('verb : create and objectRef.subresource:exec and stage: ResponseStarted', ['a4']);
    // §6 (6) shape: nodes updated or patched by non-system users (none here).
    await expectIds(
      '* and objectRef.resource : nodes and (verb : update or verb : patch) NOT user.username: node',
      [],
    );
    // §6 (10): Alibaba's client form.
    await expectIds(
      '* and user.username: "kubernetes-admin" and (verb: "create" or verb: "get") and (objectRef.resource: "pods")',
      ['a4'],
    );
  });
});

describe('search with the token Bloom filter columns', () => {
  // The store does not write the filter columns yet: build them here from `_text` exactly as ingest
  // would (bloomWords over the stored text) and check that full-text answers do not change.
  test('full-text answers are identical with the filter', async () => {
    const conn = await store.connect();
    const texts = (await conn.runAndReadAll(`SELECT "auditID", "_text" FROM ${EVENTS_RELATION}`)).getRows();
    const values = texts
      .map(
        ([id, text]) =>
          `('${String(id)}', ${bloomWords(String(text))
            .map((w) => `${w}::UBIGINT`)
            .join(', ')})`,
      )
      .join(', ');
    await conn.run(
      `CREATE TEMP TABLE bloom_words ("auditID" VARCHAR, ${BLOOM_COLUMNS.map((c) => `"${c}" UBIGINT`).join(', ')})`,
    );
    await conn.run(`INSERT INTO bloom_words VALUES ${values}`);
    await conn.run(
      `CREATE TEMP VIEW bloomed AS SELECT e.*, ${BLOOM_COLUMNS.map((c) => `b."${c}"`).join(', ')} FROM ${EVENTS_RELATION} e JOIN bloom_words b USING ("auditID")`,
    );
    const withBloom = async (q: string): Promise<string[]> => {
      const where = searchToDuckDb(parseSearch(q), { tokenBloom: true });
      assert.match(where, /_text_bloom_/, q);
      const r = await conn.runAndReadAll(`SELECT "auditID" FROM bloomed WHERE ${where} ORDER BY "auditID"`);
      return r.getRows().map((row) => String(row[0]));
    };
    assert.deepEqual(await withBloom('alice'), ['a4', 'a7']);
    assert.deepEqual(await withBloom('not alice'), except('a4', 'a7'));
    assert.deepEqual(await withBloom('#"system node"'), ['a1']);
    assert.deepEqual(await withBloom('beta hello'), ['a3']);
    assert.deepEqual(await withBloom('kube'), []);
    assert.deepEqual(await withBloom('subresource or hello'), ['a3', 'a4']);
    // The filter is really consulted: with every bit cleared no whole-token search can match,
    // while a wildcard token (not in the filter) still scans the text.
    await conn.run(`UPDATE bloom_words SET ${BLOOM_COLUMNS.map((c) => `"${c}" = 0`).join(', ')}`);
    assert.deepEqual(await withBloom('alice'), []);
    assert.deepEqual(await withBloom('alic* hello'), []);
    assert.deepEqual(await ids('alic*'), ['a4', 'a7']);
  });
});

describe('search robustness', () => {
  test('every query that parses runs on DuckDB without an SQL error', async () => {
    const key = fc.constantFrom(
      'verb',
      'user.username',
      'responseStatus.code',
      'requestObject',
      'annotations.authorization.k8s.io/reason',
      'requestObject.spec.containers.image',
      '__source__',
      'sourceIPs',
      '__tag__:__receive_time__',
    );
    const word = fc.stringMatching(/^[a-z0-9'.\-_*?\\é中]{1,8}$/);
    const value = fc.oneof(
      word,
      word.map((w) => `"${w.replace(/["\\]/g, '')} x"`),
      fc.constant('*'),
      fc.constant('""'),
    );
    const leaf = fc.oneof(
      word,
      fc.tuple(key, value).map(([k, v]) => `${k}: ${v}`),
      fc
        .tuple(key, fc.constantFrom('>', '>=', '<', '=', '<='), fc.integer({ min: -5, max: 500 }))
        .map(([k, op, n]) => `${k} ${op} ${n}`),
      fc
        .tuple(key, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 300, max: 600 }))
        .map(([k, a, b]) => `${k} in [${a} ${b})`),
      word.map((w) => `#"${w.replace(/["\\]/g, '')} b"`),
    );
    const query = fc.array(fc.tuple(fc.constantFrom('', 'and ', 'or ', 'not ', 'and not '), leaf), {
      minLength: 1,
      maxLength: 5,
    });
    await fc.assert(
      fc.asyncProperty(query, fc.boolean(), async (parts, paren) => {
        let text = parts.map(([op, l], i) => (i === 0 ? l : `${op}${l}`)).join(' ');
        if (paren) text = `(${text}) or verb:get`;
        let where: string;
        try {
          where = searchToDuckDb(parseSearch(text));
        } catch (e) {
          if (e instanceof QueryError) return true;
          throw e;
        }
        const count = async (w: string) =>
          (await store.querySql(`SELECT count(*) FROM ${EVENTS_RELATION} WHERE ${w}`)).rows[0][0];
        // The WHERE-only rendering (NULL allowed outside a not) selects the same rows.
        assert.equal(
          await count(searchToDuckDb(parseSearch(text), { filter: true })),
          await count(where),
          text,
        );
        return true;
      }),
      { numRuns: 150 },
    );
  });
});

describe('search errors', () => {
  test('a wildcard at the start of a word is an error with its position', () => {
    assert.throws(
      () => parseSearch('user.username: *node'),
      (e: unknown) => e instanceof QueryError && e.position === 15 && /wildcard/.test(e.message),
    );
  });

  test('an unknown field is named with a did-you-mean', () => {
    assert.throws(
      () => parseSearch('verb:get and usr.username: x', 100),
      (e: unknown) =>
        e instanceof QueryError &&
        e.position === 113 &&
        e.suggestion === 'user.username' &&
        e.message.includes("'usr.username'"),
    );
  });
});
