import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../cli/errors.js';
import { findReport, loadReportFile, loadReports, reportDirs, UnknownReportError } from './load.js';
import { CHARTS } from './model.js';

test('the built-in reports load, in order, each with ≥ 1 tab and panels of known chart types', () => {
  const reports = loadReports();
  assert.deepEqual(
    reports.map((r) => r.id),
    ['overview', 'operations', 'resource', 'mesh'],
  );
  for (const r of reports) {
    assert.ok(r.tabs.length >= 1);
    for (const t of r.tabs)
      for (const p of t.panels) assert.ok((CHARTS as readonly string[]).includes(p.chart));
  }
  assert.deepEqual(
    findReport(reports, 'mesh').tabs.map((t) => t.id),
    ['overview', 'audit', 'operations', 'details'],
  );
  assert.deepEqual(findReport(reports, 'resource').params, [
    { name: 'resource', title: 'Resource (plural)', default: 'deployments' },
  ]);
});

test('an unknown report name lists the reports there are', () => {
  assert.throws(
    () => findReport(loadReports(), 'overveiw'),
    (e: Error) =>
      e instanceof UnknownReportError &&
      e.message === 'there is no report "overveiw"; the reports are overview, operations, resource, mesh.',
  );
});

function reportFile(name: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-reports-'));
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const HEAD = 'id: mine\ntitle: Mine\ntabs:\n  - id: main\n    title: Main\n    panels:\n';

test('a bad chart type names the file, tab and panel', () => {
  const file = reportFile(
    'mine.yaml',
    HEAD + '      - { id: p1, title: P, chart: donut, query: "* | select 1" }\n',
  );
  assert.throws(
    () => loadReportFile(file),
    (e: Error) =>
      e instanceof UserError && e.message.startsWith(`${file}: tab main, panel p1, field chart: `),
  );
});

test('a query that does not compile names the panel and the position', () => {
  const file = reportFile(
    'mine.yaml',
    HEAD + '      - { id: p1, title: P, chart: stat, query: "* | select count( as n" }\n',
  );
  assert.throws(
    () => loadReportFile(file),
    (e: Error) =>
      e instanceof UserError && /panel p1: the query does not compile at character \d+: /.test(e.message),
  );
});

test('a panel without SQL, an undeclared ${param}, duplicate ids and a wrong file name are refused', () => {
  const noSql = reportFile(
    'mine.yaml',
    HEAD + '      - { id: p1, title: P, chart: table, query: "verb: get" }\n',
  );
  assert.throws(() => loadReportFile(noSql), /panel p1: the query has no SQL part/);
  const undeclared = reportFile(
    'mine.yaml',
    HEAD + '      - { id: p1, title: P, chart: stat, query: "objectRef.resource: ${kind} | select 1" }\n',
  );
  assert.throws(
    () => loadReportFile(undeclared),
    /panel p1: the query uses \$\{kind\} but the report declares no such parameter/,
  );
  const dup = reportFile(
    'mine.yaml',
    HEAD +
      '      - { id: p1, title: P, chart: stat, query: "* | select 1" }\n' +
      '      - { id: p1, title: Q, chart: stat, query: "* | select 2" }\n',
  );
  assert.throws(() => loadReportFile(dup), /panel p1: the panel id is used twice/);
  const renamed = reportFile(
    'other.yaml',
    HEAD + '      - { id: p1, title: P, chart: stat, query: "* | select 1" }\n',
  );
  assert.throws(
    () => loadReportFile(renamed),
    /the report id "mine" differs from the file name; name the file mine.yaml/,
  );
  const notYaml = reportFile('mine.yaml', 'id: [unclosed\n');
  assert.throws(() => loadReportFile(notYaml), /is not valid YAML/);
});

test('$KAUDIT_REPORTS_DIR adds reports; an id clash with a built-in report is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-reports-'));
  writeFileSync(
    join(dir, 'mine.yaml'),
    HEAD + '      - { id: p1, title: P, chart: stat, query: "* | select 1 as one" }\n',
  );
  const dirs = reportDirs({ KAUDIT_REPORTS_DIR: dir });
  assert.deepEqual(
    loadReports(dirs).map((r) => r.id),
    ['overview', 'operations', 'resource', 'mesh', 'mine'],
  );
  writeFileSync(
    join(dir, 'overview.yaml'),
    HEAD.replace('mine', 'overview') + '      - { id: p1, title: P, chart: stat, query: "* | select 1" }\n',
  );
  assert.throws(
    () => loadReports(dirs),
    /report id "overview" is already defined by .*overview\.yaml; rename one of them/,
  );
  assert.throws(
    () => loadReports(reportDirs({ KAUDIT_REPORTS_DIR: join(dir, 'nope') })),
    /does not exist; check \$KAUDIT_REPORTS_DIR/,
  );
});
