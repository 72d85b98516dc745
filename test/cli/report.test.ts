// `kaudit report` end to end (the built CLI) on the hand-worked report fixture: JSON and table
// output, filters, parameters, tabs, and one-sentence errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kaudit, REPO } from './helpers.js';
import { comparableRows } from '../../src/reports/testing.js';
import {
  EXPECTED,
  FIXTURE_EVENTS,
  FIXTURE_FROM,
  FIXTURE_THREAT_LIST,
  FIXTURE_TO,
  MESH_TABS,
} from '../fixtures/reports/expected.js';

let dir: string;
let db: string;
const env = { KAUDIT_THREAT_LISTS: join(REPO, FIXTURE_THREAT_LIST), KAUDIT_TIMEZONE: 'UTC' };
const RANGE = ['--from', String(FIXTURE_FROM), '--to', String(FIXTURE_TO)];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaudit-report-cli-'));
  db = join(dir, 'k.duckdb');
  const r = kaudit(['import', '--db', db, join(REPO, FIXTURE_EVENTS)], { env });
  assert.equal(r.status, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function report(args: string[]) {
  return kaudit(['report', ...args, '--db', db, ...RANGE], { env });
}

test('--format json prints {"panels": [...]} with every hand-worked panel value', () => {
  for (const id of ['overview', 'operations', 'resource', 'mesh']) {
    const r = report([id, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      panels: {
        id: string;
        title: string;
        query: string;
        columns: string[];
        rows: Record<string, unknown>[];
      }[];
    };
    assert.deepEqual(out.panels.map((p) => p.id).sort(), Object.keys(EXPECTED[id]).sort());
    for (const p of out.panels) {
      assert.deepEqual(comparableRows(p.rows), EXPECTED[id][p.id], `${id}/${p.id}`);
      assert.ok(p.title && p.query && Array.isArray(p.columns));
    }
  }
});

test('table output: each panel under its title, stats on one line, tables aligned', () => {
  const r = report(['overview', '--format', 'table']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Audit center overview {2}\(2026-11-20 00:00:00 – 2026-11-21 00:00:00 UTC\)\n/);
  assert.match(r.stdout, /\nRequests: 53\n/);
  assert.match(r.stdout, /\nPublic-network failure rate \(%\): 30\.43\n/);
  assert.match(
    r.stdout,
    /\n== Command execution \(exec\) ==\ntime +namespace +pod +container +command +user +source_ip +code\n/,
  );
  assert.match(
    r.stdout,
    /2026-11-20 09:00:00 +team-a +web-5d8f-abc +web +sh -c cat \/etc\/passwd +alice +8\.8\.8\.8 +101\n/,
  );
  // A panel without rows says so.
  const none = report(['overview', '--format', 'table', '--user', 'nobody']);
  assert.equal(none.status, 0, none.stderr);
  assert.match(none.stdout, /== Command execution \(exec\) ==\n\(no data\)/);
  assert.match(none.stdout, /\nRequests: 0\n/);
  assert.match(none.stdout, /user nobody\)/);
});

test('filters, the resource parameter and the mesh tab', () => {
  const ns = JSON.parse(report(['operations', '--namespace', 'team-b', '--json']).stdout);
  const deployments = ns.panels.find((p: { id: string }) => p.id === 'deployments');
  assert.deepEqual(deployments.rows, [{ create: 0, update: 2, delete: 0, get: 0 }]); // R21 R22
  const pods = JSON.parse(report(['resource', '--resource', 'pods', '--status', '403', '--json']).stdout);
  // pods answered 403: R9 (exec).
  assert.deepEqual(pods.panels.find((p: { id: string }) => p.id === 'requests').rows, [{ requests: 1 }]);
  const tab = JSON.parse(report(['mesh', '--tab', 'operations', '--json']).stdout);
  assert.deepEqual(
    tab.panels.map((p: { id: string }) => p.id),
    MESH_TABS.operations,
  );
});

test('without --from/--to the range is the last 7 days', () => {
  const before = Date.now() / 1000;
  const r = kaudit(['report', 'overview', '--db', db, '--format', 'table'], { env });
  assert.equal(r.status, 0, r.stderr);
  const m = /^Audit center overview {2}\((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) – now UTC\)/.exec(r.stdout);
  assert.ok(m, r.stdout.slice(0, 200));
  const from = Date.parse(m[1].replace(' ', 'T') + 'Z') / 1000;
  assert.ok(Math.abs(from - (before - 7 * 86400)) < 120, `from ${m[1]}`);
});

test('bad input: one sentence on stderr and exit 1', () => {
  const cases: [string[], RegExp][] = [
    [
      ['overveiw'],
      /^kaudit: there is no report "overveiw"; the reports are overview, operations, resource, mesh\.\n$/,
    ],
    [
      ['resource', '--resource', 'pods;drop'],
      /^kaudit: resource "pods;drop" for report "resource" is not a resource plural; /,
    ],
    [
      ['overview', '--resource', 'pods'],
      /^kaudit: report "overview" has no parameter "resource"; it takes no parameters\.\n$/,
    ],
    [
      ['overview', '--status', '4xx'],
      /^kaudit: the status filter "4xx" is not an HTTP status code; give three digits such as 403\.\n$/,
    ],
    [
      ['mesh', '--tab', 'nope'],
      /^kaudit: report "mesh" has no tab "nope"; its tabs are overview, audit, operations, details\.\n$/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = report(args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});

test('--help shows examples', () => {
  const r = kaudit(['report', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Examples:\n {2}kaudit report overview\n/);
  assert.match(r.stdout, /--resource <plural>/);
});
