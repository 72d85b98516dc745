import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRulesDir, loadRuleFiles } from './rule.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'kaudit-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const BASE = `
lists:
  - list: admins
    items: [kubernetes-admin, 'o"brien']
  - list: empty_list
    items: []
macros:
  - macro: kevt
    search: 'stage: ResponseComplete'
  - macro: exec_evt
    search: '{{kevt}} and objectRef.subresource: exec'
rules:
  - id: kaudit-test-exec
    name: Exec
    severity: high
    level: Metadata
    queries:
      - '{{exec_evt}} and not {{user.username in admins}} | select auditID, "user.username" as u where "user.username" not in ({{admins}})'
    groupBy: [auditID]
    annotations: { title: 'exec by \${u}' }
  - id: kaudit-test-empty
    name: Empty lists
    severity: low
    level: Request
    schedule: { cron: '*/5 * * * *' }
    window: { align: 1h, delay: 30s }
    queries:
      - '{{verb in empty_list}} | select count(*) as n where verb in ({{empty_list}})'
`;

test('placeholders expand exactly as the contract says', async () => {
  const d = dir({ 'a.yaml': BASE });
  const { rules, problems } = await loadRuleFiles([d], { builtins: false });
  assert.deepEqual(problems, []);
  const exec = rules.find((r) => r.id === 'kaudit-test-exec')!;
  assert.equal(
    exec.queries[0],
    `((stage: ResponseComplete) and objectRef.subresource: exec) and not (user.username: "kubernetes-admin" or user.username: "o\\"brien") | select auditID, "user.username" as u where "user.username" not in ('kubernetes-admin', 'o"brien')`,
  );
  assert.deepEqual(exec.columns, [['auditID', 'u']]);
  assert.equal(exec.source, 'kaudit'); // from the id prefix
  assert.equal(exec.enabled, true);
  assert.deepEqual(exec.schedule, { kind: 'interval', seconds: 60, text: '1m' });
  const empty = rules.find((r) => r.id === 'kaudit-test-empty')!;
  assert.equal(empty.queries[0], '(not *) | select count(*) as n where verb in (NULL)');
  assert.deepEqual(empty.window, { kind: 'aligned', align: 3600, delay: 30 });
  assert.equal(empty.schedule.kind, 'cron');
});

test('a user file extends lists, overrides fields and appends exceptions to a built-in rule', async () => {
  const builtins = dir({ 'a.yaml': BASE });
  const user = dir({
    'user.yaml': `
lists:
  - list: admins
    items: [ci-bot]
    append: true
rules:
  - id: kaudit-test-exec
    override: { enabled: false, severity: low, throttle: 10m, channels: [ops] }
  - id: kaudit-test-exec
    append:
      exceptions:
        - name: trusted
          fields: [user.username, objectRef.namespace]
          values: [[alice, dev], [bob, [dev, test]]]
`,
  });
  const { rules, problems } = await loadRuleFiles([builtins, user], { builtins: false });
  assert.deepEqual(problems, []);
  const exec = rules.find((r) => r.id === 'kaudit-test-exec')!;
  assert.equal(exec.enabled, false);
  assert.equal(exec.severity, 'low');
  assert.equal(exec.throttle, 600);
  assert.deepEqual(exec.channels, ['ops']);
  assert.equal(
    exec.queries[0],
    `(((stage: ResponseComplete) and objectRef.subresource: exec) and not (user.username: "kubernetes-admin" or user.username: "o\\"brien" or user.username: "ci-bot")) and not (user.username: "alice" and objectRef.namespace: "dev") and not (user.username: "bob" and (objectRef.namespace: "dev" or objectRef.namespace: "test")) | select auditID, "user.username" as u where "user.username" not in ('kubernetes-admin', 'o"brien', 'ci-bot')`,
  );
});

test('exceptions on a query without a search part start from *', async () => {
  const d = dir({
    'a.yaml': `
rules:
  - id: kaudit-x
    name: X
    severity: info
    level: Metadata
    queries: ['* | select count(*) as n']
    exceptions:
      - { name: e, fields: [verb], values: [get, list] }
`,
  });
  const { rules, problems } = await loadRuleFiles([d], { builtins: false });
  assert.deepEqual(problems, []);
  assert.equal(rules[0].queries[0], '* and not (verb: "get") and not (verb: "list") | select count(*) as n');
});

test('problems name the file, the rule and the reason; good rules still load', async () => {
  const d = dir({
    'a.yaml': `
rules:
  - id: kaudit-ok
    name: OK
    severity: info
    level: Metadata
    queries: ['verb: get']
  - id: kaudit-unknown-macro
    name: U
    severity: info
    level: Metadata
    queries: ['{{nope}} and verb: get']
  - id: kaudit-bad-sql
    name: B
    severity: info
    level: Metadata
    queries: ['* | select nosuchcolumn']
  - id: kaudit-bad-condition
    name: C
    severity: info
    level: Metadata
    queries: ['* | select count(*) as n']
    condition: 'n = 1'
  - id: kaudit-bad-schedule
    name: S
    severity: info
    level: Metadata
    schedule: 5
    queries: ['verb: get']
  - id: kaudit-typo
    name: T
    severity: urgent
    level: Metadata
    queries: ['verb: get']
    groupby: [x]
  - id: kaudit-ok
    name: dup
    severity: info
    level: Metadata
    queries: ['verb: get']
  - id: kaudit-missing
    override: { enabled: false }
  - id: kaudit-ok
    override: { queries: ['x'] }
lists:
  - { list: never_defined, items: [a], append: true }
`,
    'b.yaml': 'rules: [ { id: x',
  });
  const { rules, problems } = await loadRuleFiles([d], { builtins: false });
  assert.deepEqual(
    rules.map((r) => r.id),
    ['kaudit-ok'],
  );
  const by = (rule: string | undefined) => problems.filter((p) => p.rule === rule).map((p) => p.message);
  const fa = join(d, 'a.yaml');
  assert.ok(problems.every((p) => p.severity === 'error'));
  assert.match(by('kaudit-unknown-macro')[0], /query 1: unknown macro or list \{\{nope\}\}/);
  assert.match(by('kaudit-bad-sql')[0], /query 1 does not compile: .*nosuchcolumn/);
  assert.match(by('kaudit-bad-condition')[0], /compare with ==/);
  assert.match(by('kaudit-bad-schedule')[0], /schedule/);
  assert.match(by('kaudit-typo')[0], /severity/);
  assert.match(by('kaudit-typo')[0], /groupby/);
  assert.match(by('kaudit-ok').join('|'), /already defined in .*a\.yaml/);
  assert.match(by('kaudit-ok').join('|'), /queries/); // override may not change queries
  assert.match(by('kaudit-missing')[0], /no rule file defines/);
  assert.ok(
    problems.some((p) => p.rule === undefined && /list never_defined/.test(p.message) && p.file === fa),
  );
  assert.ok(problems.some((p) => p.file === join(d, 'b.yaml') && /not valid YAML/.test(p.message)));
  assert.ok(problems.filter((p) => p.rule?.startsWith('kaudit-')).every((p) => p.file === fa));
});

test('macro cycles and lists used in the wrong part are load errors', async () => {
  const d = dir({
    'a.yaml': `
lists: [ { list: l, items: [a] } ]
macros:
  - { macro: m1, search: '{{m2}}' }
  - { macro: m2, search: '{{m1}}' }
rules:
  - { id: kaudit-cycle, name: c, severity: info, level: Metadata, queries: ['{{m1}}'] }
  - { id: kaudit-list-in-search, name: l, severity: info, level: Metadata, queries: ['{{l}}'] }
  - { id: kaudit-macro-in-sql, name: m, severity: info, level: Metadata, queries: ['* | select count(*) as n where verb in ({{m1}})'] }
`,
  });
  const { problems } = await loadRuleFiles([d], { builtins: false });
  const msg = (id: string) => problems.find((p) => p.rule === id)?.message ?? '';
  assert.match(msg('kaudit-cycle'), /uses itself \(m1 → m2 → m1\)/);
  assert.match(msg('kaudit-list-in-search'), /\{\{field in l\}\}/);
  assert.match(msg('kaudit-macro-in-sql'), /macro/);
});

test('a missing --rules path is a problem', async () => {
  const { problems } = await loadRuleFiles(['/nonexistent/rules.yaml'], { builtins: false });
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /no rule file/);
});

test('the built-in rules directory is the package rules/ and the source-document rules load cleanly', async () => {
  const d = builtinRulesDir();
  assert.match(d, /rules$/);
  mkdirSync(d, { recursive: true });
  const { rules, problems } = await loadRuleFiles([join(d, 'ack-source-documents.yaml')], {
    builtins: false,
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(rules.map((r) => r.id).sort(), ['ack-exec-into-container', 'ack-public-network-probe']);
});
