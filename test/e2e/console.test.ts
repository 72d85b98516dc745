// The console in a real browser (issue #6 "Tests"): a real `kaudit serve` on a DuckDB store filled
// with the reports' hand-worked fixture, driven in Debian's headless Chromium by playwright-core.
// Every number asserted here comes from test/fixtures/reports/expected.ts (counted by hand from the
// fixture's request table) or is counted by hand in the comments below — never from the program.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { validateConfig } from '../../src/server/config.js';
import { openDuckDbStore } from '../../src/store/duckdb/index.js';
import { addEvents } from '../../src/store/duckdb/testing.js';
import type { AuditEvent } from '../../src/event/types.js';
import { consoleDir } from '../../src/server/routes/console.js';
import { AlertStateStore } from '../../src/alerts/state.js';
import {
  EXPECTED,
  EXPECTED_RESOURCE,
  FILTER_CASES,
  FIXTURE_EVENTS,
  FIXTURE_FROM,
  FIXTURE_THREAT_LIST,
  FIXTURE_TO,
  MESH_TABS,
} from '../fixtures/reports/expected.js';
import { requireOrSkip } from './requirements.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = process.cwd();
const SHOTS = resolve(ROOT, 'test-results');
const RANGE = `range=abs&from=${FIXTURE_FROM}&to=${FIXTURE_TO}`;
const CLUSTER = 'prod';
const TOKEN = 'e2e-viewer-token-0123456789';
const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;

const MESSAGES = [
  'configmaps team-b/app-config deleted by ops-carol',
  'pods team-b/api-0 deleted by ops-carol',
];

type Row = Record<string, unknown>;

/** A cell as the console writes it (web/src/lib/table.ts cellText): NULL empty, objects as JSON. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let server: RunningServer | undefined;
let lockedServer: RunningServer | undefined;
const dirs: string[] = [];
let ready = false;

async function startWithFixture(dir: string, config: Record<string, unknown>): Promise<RunningServer> {
  const db = join(dir, 'k.duckdb');
  const store = await openDuckDbStore({ path: db });
  const lines = readFileSync(resolve(ROOT, FIXTURE_EVENTS), 'utf8').split('\n').filter(Boolean);
  await addEvents(
    store,
    lines.map((l) => JSON.parse(l) as AuditEvent),
    { cluster: CLUSTER },
  );
  // Two unread messages in the in-app message center, as a rule with the in-app channel leaves them.
  const messages = new AlertStateStore(store);
  const now = Math.floor(Date.now() / 1000);
  for (const [i, title] of MESSAGES.entries()) {
    await messages.addMessage(
      { time: now - 60 + i, ruleId: 'ack-delete-operations', severity: 'low', title, body: `${title}.` },
      `e2e-${i}`,
    );
  }
  await store.close();
  return startServer({
    dbPath: db,
    config: validateConfig({ port: 0, timezone: 'UTC', ...config }, 'e2e config'),
    logStream: nullLog,
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
}

/** The panel's section once its run answered. */
async function panel(id: string) {
  const section = page.locator(`section[data-panel-id="${id}"]`);
  await section.waitFor({ state: 'visible', timeout: 15_000 });
  return section;
}

/** Header and body text of a table inside `root`, without the drill-down column. */
async function tableText(
  root: ReturnType<Page['locator']>,
): Promise<{ columns: string[]; rows: string[][] }> {
  const table = root.locator('table').first();
  await table.waitFor({ timeout: 10_000 });
  return table.evaluate((t) => {
    const columns = [...t.querySelectorAll('thead th:not(.actions)')].map((th) =>
      (th.textContent ?? '').replace(/[▲▼]/g, '').trim(),
    );
    const rows = [...t.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td:not(.actions)')].map((td) => (td.textContent ?? '').trim()),
    );
    return { columns, rows };
  });
}

/**
 * Checks one panel against hand-worked rows: a stat panel shows its single value; every other
 * panel's rows are read from its table (tables) or its "Data" table (charts).
 */
async function assertPanel(id: string, expected: Row[], where: string): Promise<void> {
  const section = await panel(id);
  const stat = section.locator('[data-testid="stat"]');
  if ((await stat.count()) > 0) {
    const want = Object.values(expected[0] ?? { v: 0 })[0];
    const text = (await stat.textContent())?.replace(/,/g, '').trim();
    assert.equal(text, cell(want), `${where}: stat panel ${id}`);
    return;
  }
  if (expected.length === 0) {
    await section.locator('.empty').waitFor({ timeout: 5000 });
    return;
  }
  const dataButton = section.getByRole('button', { name: 'Data', exact: true });
  if ((await section.locator('table').count()) === 0 && (await dataButton.count()) > 0)
    await dataButton.click();
  const got = await tableText(section);
  const want = expected.map((r) => got.columns.map((c) => cell(r[c])));
  assert.deepEqual(
    got.columns.slice().sort(),
    Object.keys(expected[0]).sort(),
    `${where}: columns of panel ${id}`,
  );
  assert.deepEqual(got.rows, want, `${where}: rows of panel ${id}`);
}

/** Waits until the log list shows `n` requests (it keeps the previous result while a new one loads). */
async function listLength(n: number): Promise<void> {
  try {
    await page.waitForFunction(
      `document.querySelectorAll('ol.loglist > li').length === ${n} && document.querySelector('section.results[aria-busy="false"]') !== null`,
      undefined,
      { timeout: 10_000 },
    );
  } catch (e) {
    assert.equal(
      await page.locator('ol.loglist > li').count(),
      n,
      `requests in the log list (${(e as Error).message.split('\n')[0]})`,
    );
  }
}

/** Waits for the report's run to settle (no panel grid busy). */
async function reportSettled(): Promise<void> {
  await page.locator('[data-testid="panels"][aria-busy="false"]').waitFor({ timeout: 20_000 });
}

before(async () => {
  // Decided per test: a missing browser skips (or fails under KAUDIT_E2E=required) in each test.
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(SHOTS, { recursive: true });
  process.env.KAUDIT_THREAT_LISTS = resolve(ROOT, FIXTURE_THREAT_LIST);
  const open = mkdtempSync(join(tmpdir(), 'kaudit-e2e-console-'));
  const locked = mkdtempSync(join(tmpdir(), 'kaudit-e2e-console-auth-'));
  dirs.push(open, locked);
  server = await startWithFixture(open, {});
  lockedServer = await startWithFixture(locked, { tokens: [{ name: 'e2e', token: TOKEN, role: 'viewer' }] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
  page = await context.newPage();
  ready = true;
});

after(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  await lockedServer?.close().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every test starts here: skip (or fail under KAUDIT_E2E=required) without Chromium; need a built console. */
function go(t: TestContext): boolean {
  if (
    !requireOrSkip(
      t,
      existsSync(CHROMIUM),
      `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`,
    )
  )
    return false;
  assert.ok(
    existsSync(join(consoleDir(), 'index.html')),
    `the console is not built in ${consoleDir()}; run npm run build first`,
  );
  assert.ok(ready, 'the browser or the server did not start');
  return true;
}

describe('console in Chromium', { timeout: 180_000 }, () => {
  test('audit center overview: every panel shows the hand-worked value', async (t) => {
    if (!go(t)) return;
    await page.goto(`${server!.url}/reports?report=overview&${RANGE}`);
    await reportSettled();
    for (const [id, rows] of Object.entries(EXPECTED.overview)) await assertPanel(id, rows, 'overview');
    // The map draws the countries the panel names (ECharts' aria description lists its data).
    const map = (await panel('public_map')).locator('.chart');
    const label = (await map.getAttribute('aria-label')) ?? '';
    for (const name of ['Australia', 'United States of America', 'United Kingdom', 'China']) {
      assert.ok(label.includes(name), `the map's description names ${name}: ${label.slice(0, 400)}`);
    }
    await shot('overview-1280');
    await page.setViewportSize({ width: 400, height: 800 });
    await shot('overview-400');
    // Narrow: the panels stack into one column, nothing wider than the screen.
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 420, `at 400 px the page is ${width} px wide`);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('resource operation overview and the resource report (default, picker, a CRD)', async (t) => {
    if (!go(t)) return;
    await page.goto(`${server!.url}/reports?report=operations&${RANGE}`);
    await reportSettled();
    for (const [id, rows] of Object.entries(EXPECTED.operations)) await assertPanel(id, rows, 'operations');
    await shot('operations');

    await page.goto(`${server!.url}/reports?report=resource&${RANGE}`);
    await reportSettled();
    for (const [id, rows] of Object.entries(EXPECTED.resource)) await assertPanel(id, rows, 'resource');

    // Type a CRD's plural in the picker.
    const filters = page.getByRole('form', { name: 'Report filters' });
    await filters.getByRole('combobox', { name: 'Resource (plural)' }).fill('aliyunlogconfigs');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/resource=aliyunlogconfigs/);
    await reportSettled();
    for (const [id, rows] of Object.entries(EXPECTED_RESOURCE.aliyunlogconfigs)) {
      await assertPanel(id, rows, 'resource aliyunlogconfigs');
    }
    await shot('resource-crd');
  });

  test('service mesh audit: each of the four tabs', async (t) => {
    if (!go(t)) return;
    await page.goto(`${server!.url}/reports?report=mesh&${RANGE}`);
    await reportSettled();
    const tabs = page.getByRole('tab');
    assert.equal(await tabs.count(), 4);
    for (const [tab, ids] of Object.entries(MESH_TABS)) {
      await page.goto(`${server!.url}/reports?report=mesh&tab=${tab}&${RANGE}`);
      await reportSettled();
      assert.equal(await page.locator('[role="tab"][aria-selected="true"]').count(), 1);
      for (const id of ids) await assertPanel(id, EXPECTED.mesh[id], `mesh tab ${tab}`);
      await shot(`mesh-${tab}`);
    }
    // Clicking a tab switches the panels and records the tab in the URL.
    await page.getByRole('tab').nth(1).click();
    await page.waitForURL(/tab=audit/);
    await reportSettled();
    await assertPanel('change_list', EXPECTED.mesh.change_list, 'mesh tab clicked');
    // Keyboard: the arrow key moves to the next tab and selects it.
    await page.keyboard.press('ArrowRight');
    await page.waitForURL(/tab=operations/);
    assert.equal(
      await page.evaluate<string | null>('document.activeElement.textContent'),
      'Operation overview',
    );
    await reportSettled();
    await assertPanel('per_kind', EXPECTED.mesh.per_kind, 'mesh tab by keyboard');
  });

  test('filters change the numbers as worked out by hand, and live in the URL', async (t) => {
    if (!go(t)) return;
    // The first case through the form, the others as shared links.
    await page.goto(`${server!.url}/reports?report=overview&${RANGE}`);
    await reportSettled();
    const filters = page.getByRole('form', { name: 'Report filters' });
    await filters.getByRole('textbox', { name: 'Namespace' }).fill('team-a');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/namespace=team-a/);
    await reportSettled();
    const first = FILTER_CASES[0];
    for (const [id, rows] of Object.entries(first.panels))
      await assertPanel(id, rows, 'filter namespace=team-a');
    await page.reload();
    await reportSettled();
    assert.equal(await page.getByRole('textbox', { name: 'Namespace' }).inputValue(), 'team-a');
    await assertPanel('requests', first.panels.requests, 'after reload');

    for (const c of FILTER_CASES.slice(1)) {
      const qs = new URLSearchParams({ report: c.report, ...c.filters, ...(c.params ?? {}) });
      await page.goto(`${server!.url}/reports?${qs}&${RANGE}`);
      await reportSettled();
      const where = `${c.report} ${JSON.stringify(c.filters)}`;
      for (const [id, rows] of Object.entries(c.panels)) await assertPanel(id, rows, where);
    }
    await shot('filtered');
  });

  test('"Open in search" runs the panel query in the search page', async (t) => {
    if (!go(t)) return;
    await page.goto(`${server!.url}/reports?report=overview&${RANGE}`);
    await reportSettled();
    const denied = await panel('denied');
    await denied.getByRole('button', { name: /Open .* in search/ }).click();
    await page.waitForURL(/\/search\?/);
    const q = new URL(page.url()).searchParams.get('q') ?? '';
    assert.match(q, /responseStatus\.code: 401 or responseStatus\.code: 403/);
    // The same 7 requests (expected.ts overview.denied), now as the SQL result table.
    const result = page.locator('section.results');
    const table = await tableText(result);
    assert.deepEqual(table.rows, [['7']]);

    // Drill down from a row of "Requests per user": dev-bob's 14 requests (expected.ts by_user),
    // as 15 events — R27 logged RequestReceived and ResponseComplete.
    await page.goto(`${server!.url}/reports?report=overview&${RANGE}`);
    await reportSettled();
    const byUser = await panel('by_user');
    await byUser.getByRole('button', { name: 'Data', exact: true }).click();
    const bob = byUser.locator('tbody tr', { hasText: 'dev-bob' });
    await bob.getByRole('button', { name: 'Drill down' }).click();
    await page.waitForURL(
      (u) => u.pathname === '/search' && u.searchParams.get('q') === 'user.username: "dev-bob"',
    );
    await page
      .locator('[data-testid="total"]', { hasText: '15 matching events' })
      .waitFor({ timeout: 10_000 });
    await listLength(14);
  });

  test('search: count, grouped stages, field values, SQL table and CSV export', async (t) => {
    if (!go(t)) return;
    // verb: delete on 2026-11-20 (grep of events.jsonl): R17 RequestReceived + ResponseComplete,
    // R18, R19, R40, R49 one event each = 6 events in 5 requests (R0 is the day before;
    // deletecollection is another token).
    await page.goto(`${server!.url}/search?q=${encodeURIComponent('verb: delete')}&${RANGE}`);
    await page.locator('[data-testid="total"]', { hasText: 'matching' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid="total"]').textContent(), '6 matching events');
    await listLength(5);
    const r17 = page.locator('li[data-audit-id="7e1a0000-0000-4000-8000-000000000017"]');
    assert.match(
      (await r17.locator('summary').first().textContent()) ?? '',
      /2 stages: RequestReceived, ResponseComplete/,
    );
    await r17.locator('summary').first().click();
    const stages = r17.locator('details.stage');
    assert.equal(await stages.count(), 2);
    await stages.nth(1).locator('summary').click();
    const json = JSON.parse((await stages.nth(1).locator('pre.json').textContent()) ?? '{}');
    assert.equal(json.stage, 'ResponseComplete');
    assert.equal(json.objectRef.name, 'app-config');
    // The histogram is drawn.
    await page.locator('section.histogram .chart').waitFor();
    await shot('search-events');

    // Field sidebar: ops-carol has R17 (2 events), R18, R40 = 4; dev-bob R19, R49 = 2.
    await page.getByRole('button', { name: 'user.username', exact: true }).click();
    const top = page.getByRole('list', { name: 'Top values of user.username' });
    await top.waitFor();
    const values = await top.locator('li').allTextContents();
    assert.deepEqual(values, ['ops-carol4', 'dev-bob2']);
    await top.getByRole('button', { name: 'ops-carol' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'verb: delete and user.username: "ops-carol"');
    await page
      .locator('[data-testid="total"]', { hasText: '4 matching events' })
      .waitFor({ timeout: 10_000 });

    // SQL: requests per user among the deletes (R17 R18 R40 for ops-carol, R19 R49 for dev-bob).
    const sql =
      'verb: delete | select "user.username" as u, count(DISTINCT auditID) as n group by u order by n desc';
    await page.locator('#q').fill(sql);
    await page.locator('#q').press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === sql);
    const table = await tableText(page.locator('section.results'));
    assert.deepEqual(table, {
      columns: ['u', 'n'],
      rows: [
        ['ops-carol', '3'],
        ['dev-bob', '2'],
      ],
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.equal(csv, 'u,n\r\nops-carol,3\r\ndev-bob,2\r\n');
    // The same result as a bar chart.
    await page.getByRole('button', { name: 'Bar' }).click();
    await page.waitForURL(/view=bar/);
    await page.locator('section.results .chart').waitFor();
    await shot('search-sql-bar');
  });

  test('a query error shows its message with a caret under the position', async (t) => {
    if (!go(t)) return;
    // "verb: get | select " is 19 characters: the unknown column starts at offset 19.
    const q = 'verb: get | select nosuch_field';
    await page.goto(`${server!.url}/search?q=${encodeURIComponent(q)}&${RANGE}`);
    const err = page.locator('.query-error');
    await err.waitFor({ timeout: 10_000 });
    assert.match((await err.textContent()) ?? '', /Column 'nosuch_field' cannot be resolved/);
    assert.equal(await err.locator('[data-testid="caret"]').textContent(), `${' '.repeat(19)}^`);
    await shot('query-error');
  });

  test('saved searches survive a reload and open their query', async (t) => {
    if (!go(t)) return;
    const q = 'objectRef.subresource: exec';
    await page.goto(`${server!.url}/search?q=${encodeURIComponent(q)}&${RANGE}`);
    await page.getByRole('button', { name: 'Save this search' }).click();
    await page.getByLabel('Name of the saved search').fill('Exec sessions');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.goto(`${server!.url}/search?${RANGE}`);
    const select = page.getByLabel('Saved searches');
    await select.locator('option', { hasText: 'Exec sessions' }).waitFor({ state: 'attached' });
    const id = await select.locator('option', { hasText: 'Exec sessions' }).getAttribute('value');
    await select.selectOption(id!);
    await page.waitForURL((u) => u.searchParams.get('q') === q);
    // exec on 2026-11-20: R8 (ResponseStarted + ResponseComplete), R9 (one), R16 (three) = 6 events, 3 requests.
    await page
      .locator('[data-testid="total"]', { hasText: '6 matching events' })
      .waitFor({ timeout: 10_000 });
    await listLength(3);
  });

  test('alerts page: rules, a test run against the last N hours, history and messages', async (t) => {
    if (!go(t)) return;
    await page.goto(`${server!.url}/alerts`);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    const row = page.locator('tr[data-rule-id="ack-delete-operations"]');
    await row.waitFor({ timeout: 10_000 });
    const hours = page.getByRole('textbox', { name: 'Hours to test against' });

    // The store holds only the fixture (2026-11-20), so the last hour has nothing to fire on.
    await hours.fill('1');
    await row.getByRole('button', { name: 'Test' }).click();
    const fired = page.locator('[data-testid="fired"]');
    await fired.waitFor({ timeout: 15_000 });
    assert.match((await fired.textContent()) ?? '', /would not fire/);

    // A window that starts between 2026-11-20 00:00 and 01:00 UTC covers the whole fixture day
    // (its first request is at 08:00) and not R0 (the 19th). Deletes by users who are not system
    // components, ResponseComplete only, one alert per auditID: R17, R18, R40 (ops-carol), R19,
    // R49 (dev-bob) = 5; R20 is a deletecollection by the namespace controller.
    const window = Math.floor((Date.now() / 1000 - FIXTURE_FROM) / 3600);
    await hours.fill(String(window));
    await row.getByRole('button', { name: 'Test' }).click();
    const result = page.locator('section.test-result');
    if (window <= 24 * 31) {
      await fired.filter({ hasText: 'would fire 5 alerts' }).waitFor({ timeout: 15_000 });
      const rows = await tableText(
        result.locator('div').filter({ has: page.locator('table[aria-label="Rows of query 1"]') }),
      );
      assert.equal(rows.rows.length, 5);
    } else {
      // The server tests at most 31 days back; its sentence is shown instead.
      await result.locator('.error', { hasText: 'hours must be' }).waitFor({ timeout: 15_000 });
    }
    await shot('alerts-test');

    // Disable, and the server remembers it across a reload; then enable again.
    const toggle = row.getByRole('switch');
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    await toggle.click();
    await row.locator('[role="switch"][aria-checked="false"]').waitFor({ timeout: 10_000 });
    await page.reload();
    await row.locator('[role="switch"][aria-checked="false"]').waitFor({ timeout: 10_000 });
    await row.getByRole('switch').click();
    await row.locator('[role="switch"][aria-checked="true"]').waitFor({ timeout: 10_000 });

    await page.getByRole('tab', { name: 'History' }).click();
    await page.waitForURL(/section=history/);
    await page
      .locator('table[aria-label="Alert history"], .empty, .error')
      .first()
      .waitFor({ timeout: 10_000 });
    // The message center: two unread (seeded), the count in the header follows marking them read.
    const badge = page.locator('[data-testid="unread"]');
    assert.equal(await badge.textContent(), '2');
    await page.getByRole('tab', { name: 'Messages' }).click();
    await page.waitForURL(/section=messages/);
    const center = page.getByRole('region', { name: 'Message center' });
    await center.waitFor({ timeout: 10_000 });
    assert.deepEqual(await center.locator('li.unread strong').allTextContents(), [MESSAGES[1], MESSAGES[0]]);
    await center.locator('li', { hasText: MESSAGES[1] }).getByRole('button', { name: 'Mark read' }).click();
    await page.locator('[data-testid="unread"]', { hasText: '1' }).waitFor({ timeout: 10_000 });
    await center.getByRole('button', { name: 'Mark all read' }).click();
    await badge.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await center.locator('li.unread').count(), 0);
    await shot('alerts-messages');
  });

  test('sign-in: a server with tokens asks for one, refuses a wrong one, accepts the right one', async (t) => {
    if (!go(t)) return;
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
    const p = await ctx.newPage();
    try {
      await p.goto(`${lockedServer!.url}/reports?report=overview&${RANGE}`);
      await p.getByRole('heading', { name: 'Sign in to kaudit' }).waitFor({ timeout: 10_000 });
      await p.getByLabel('Token').fill('not-the-token-0000000000');
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('alert').filter({ hasText: 'did not accept' }).waitFor();
      await p.getByLabel('Token').fill(TOKEN);
      await p.getByRole('button', { name: 'Sign in' }).click();
      // Signed in: the report runs with the token and shows the fixture's 53 requests.
      const stat = p.locator('section[data-panel-id="requests"] [data-testid="stat"]');
      await stat.waitFor({ timeout: 15_000 });
      assert.equal(await stat.textContent(), '53');
      assert.equal(await p.evaluate<string | null>("sessionStorage.getItem('kaudit.token')"), TOKEN);
      await p.screenshot({ path: join(SHOTS, 'console-signed-in.png') });
    } finally {
      await ctx.close();
    }
  });

  test('a range without events says what to do, on reports and on search', async (t) => {
    if (!go(t)) return;
    // The day before the fixture day holds only R0 (23:00); 2026-11-18 holds nothing.
    const empty = `range=abs&from=${FIXTURE_FROM - 2 * 86400}&to=${FIXTURE_FROM - 86400}`;
    await page.goto(`${server!.url}/reports?report=overview&${empty}`);
    await reportSettled();
    await page.locator('.empty', { hasText: 'No events in this range' }).first().waitFor({ timeout: 10_000 });
    await assertPanel('requests', [{ requests: 0 }], 'empty day');
    await page.goto(`${server!.url}/search?q=${encodeURIComponent('verb: delete')}&${empty}`);
    await page.locator('.empty', { hasText: 'kaudit import' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="total"]').textContent(), '0 matching events');
  });

  test('cluster picker lists the stored clusters and keeps the choice in the URL', async (t) => {
    if (!go(t)) return;
    await page.goto(`${server!.url}/reports?report=overview&${RANGE}`);
    await reportSettled();
    const picker = page.getByLabel('Cluster');
    await picker.locator(`option[value="${CLUSTER}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(CLUSTER);
    await page.waitForURL(new RegExp(`cluster=${CLUSTER}`));
    await reportSettled();
    // Every fixture event is in this cluster: the same 53 requests.
    await assertPanel('requests', EXPECTED.overview.requests, 'cluster prod');
  });
});
