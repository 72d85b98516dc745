// The console routes over real HTTP: the built app at /, the SPA fallback, cache headers, the page
// shown when the console is not built, and saved searches stored with the document API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, type RunningServer } from '../serve.js';
import { validateConfig } from '../config.js';

const nullLog = { write: () => true } as unknown as NodeJS.WritableStream;
// Response bodies of this API are small JSON objects checked field by field.
const json = async (r: Response): Promise<any> => r.json();

async function withServer(
  consoleDir: string,
  config: Record<string, unknown>,
  fn: (s: RunningServer) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-console-'));
  process.env.KAUDIT_CONSOLE_DIR = consoleDir;
  const server = await startServer({
    dbPath: join(dir, 'k.duckdb'),
    config: validateConfig({ port: 0, ...config }, 'test config'),
    logStream: nullLog,
  });
  try {
    await fn(server);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

test('the app is served at / and every other page path; hashed assets are cached for good', async () => {
  const web = fakeBuild();
  await withServer(web, {}, async (s) => {
    for (const path of ['/', '/search?q=verb%3A%20get', '/reports/overview', '/alerts']) {
      const r = await fetch(s.url + path);
      assert.equal(r.status, 200, path);
      assert.match(await r.text(), /<div id="root">/, path);
      assert.equal(r.headers.get('cache-control'), 'no-cache', path);
    }
    const asset = await fetch(`${s.url}/assets/index-abc123.js`);
    assert.equal(asset.status, 200);
    assert.equal(await asset.text(), 'console.log(1)');
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    // A missing asset is a 404, not the app (a stale page must not get HTML for a script).
    assert.equal((await fetch(`${s.url}/assets/gone-000.js`)).status, 404);
    // Traversal out of the build directory is refused.
    assert.equal((await fetch(`${s.url}/assets/..%2f..%2fetc%2fpasswd`)).status, 404);
  });
  rmSync(web, { recursive: true, force: true });
});

test('API and server paths are never answered with the app', async () => {
  const web = fakeBuild();
  await withServer(web, {}, async (s) => {
    const api = await fetch(`${s.url}/api/v1/nothing-here`);
    assert.equal(api.status, 404);
    assert.match((await json(api)).error, /no such endpoint/);
    assert.equal((await fetch(`${s.url}/audit/nothing`)).status, 404);
    assert.deepEqual(await json(await fetch(`${s.url}/healthz`)), { status: 'ok' });
  });
  rmSync(web, { recursive: true, force: true });
});

test('without a build, / says to run npm run build', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'kaudit-noweb-'));
  await withServer(empty, {}, async (s) => {
    const r = await fetch(`${s.url}/search`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /npm run build/);
  });
  rmSync(empty, { recursive: true, force: true });
});

test('saved searches: create, list (by name), delete; bad input gets one sentence; tokens apply', async () => {
  const web = fakeBuild();
  const token = 'viewer-token-0123456789';
  await withServer(web, { tokens: [{ name: 'ann', token, role: 'viewer' }] }, async (s) => {
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const post = (body: unknown) =>
      fetch(`${s.url}/api/v1/saved-searches`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

    assert.equal((await fetch(`${s.url}/api/v1/saved-searches`)).status, 401);

    const a = await post({ name: 'Zeta deletes', query: 'verb: delete' });
    assert.equal(a.status, 201);
    const created = await json(a);
    assert.equal(created.owner, 'ann');
    assert.equal((await post({ name: 'Alpha execs', query: 'objectRef.subresource: exec' })).status, 201);

    const bad = await post({ name: '  ', query: 'x' });
    assert.equal(bad.status, 400);
    assert.match((await json(bad)).error, /both fields non-empty/);

    const list = await json(await fetch(`${s.url}/api/v1/saved-searches`, { headers: auth }));
    assert.deepEqual(
      list.searches.map((x: { name: string; query: string }) => [x.name, x.query]),
      [
        ['Alpha execs', 'objectRef.subresource: exec'],
        ['Zeta deletes', 'verb: delete'],
      ],
    );

    const del = await fetch(`${s.url}/api/v1/saved-searches/${created.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    assert.equal(del.status, 200);
    const again = await fetch(`${s.url}/api/v1/saved-searches/${created.id}`, {
      method: 'DELETE',
      headers: auth,
    });
    assert.equal(again.status, 404);
    const after = await json(await fetch(`${s.url}/api/v1/saved-searches`, { headers: auth }));
    assert.deepEqual(
      after.searches.map((x: { name: string }) => x.name),
      ['Alpha execs'],
    );
  });
  rmSync(web, { recursive: true, force: true });
});
