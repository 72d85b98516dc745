import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbStore } from './index.js';

test('documents: put replaces, get/list/delete by kind and id, survive a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-docs-'));
  const path = join(dir, 'k.duckdb');
  try {
    let store = await openDuckDbStore({ path });
    await store.putDocument('saved-search', 'a', { q: 'verb: create' });
    await store.putDocument('saved-search', 'a', { q: 'verb: delete' });
    await store.putDocument('saved-search', 'b', { q: "it's quoted" });
    await store.putDocument('message', 'a', 1);
    assert.deepEqual(await store.getDocument('saved-search', 'a'), { q: 'verb: delete' });
    assert.equal(await store.getDocument('saved-search', 'zzz'), undefined);
    const list = await store.listDocuments<{ q: string }>('saved-search');
    assert.deepEqual(
      list.map((d) => [d.id, d.value.q]),
      [
        ['a', 'verb: delete'],
        ['b', "it's quoted"],
      ],
    );
    assert.ok(list.every((d) => Math.abs(d.updated - Date.now() / 1000) < 60));
    assert.deepEqual(
      (await store.listDocuments('saved-search', { prefix: 'b' })).map((d) => d.id),
      ['b'],
    );
    assert.equal((await store.listDocuments('saved-search', { limit: 1 })).length, 1);
    assert.equal(await store.deleteDocument('saved-search', 'a'), true);
    assert.equal(await store.deleteDocument('saved-search', 'a'), false);
    await store.close();
    store = await openDuckDbStore({ path });
    assert.deepEqual(
      (await store.listDocuments('saved-search')).map((d) => d.id),
      ['b'],
    );
    assert.equal(await store.getDocument('message', 'a'), 1);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
