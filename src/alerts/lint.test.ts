import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintRules } from './lint.js';
import { loadRuleFiles } from './rule.js';

test('lint finds missing columns in conditions, groupBy and annotations, and unknown channels', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kaudit-lint-'));
  writeFileSync(
    join(d, 'r.yaml'),
    `
rules:
  - id: ack-like
    name: ACK style
    severity: high
    level: Metadata
    queries: ['verb: create | select auditID as "事件ID", "user.username" as "操作账号"']
    condition: '操作事件 =~ ".*"'
    groupBy: ['事件ID', nope]
    channels: [hook, missing]
    annotations:
      title: '\${操作账号} \${__count__} \${labels.x} \${alert_name} \${typo}'
  - id: search-only
    name: whole events
    severity: low
    level: Metadata
    queries: ['verb: delete']
    condition: 'verb == "delete"'
    annotations: { title: '\${user.username}' }
`,
  );
  const { rules, problems } = await loadRuleFiles([d], { builtins: false });
  assert.deepEqual(problems, []);
  const found = lintRules(rules, { channels: ['hook', 'inapp'] }).map(
    (p) => `${p.rule} ${p.severity} ${p.message}`,
  );
  assert.deepEqual(found, [
    'ack-like warning the condition reads "操作事件", which query 0 does not return (columns: 事件ID, 操作账号); it reads as the empty string',
    'ack-like warning groupBy "nope" is not a column of the query; every row falls into one group',
    'ack-like warning "title" uses ${typo}, which is neither a column of the query nor a built-in; it renders empty',
    'ack-like error channel "missing" is not configured; add it under alerts.channels or remove it from the rule',
  ]);
});
