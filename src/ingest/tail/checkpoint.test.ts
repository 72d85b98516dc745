import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileCheckpointStore, SettingsCheckpointStore, type Checkpoint } from './checkpoint.js';
import { UserError } from '../../cli/errors.js';

const cp: Checkpoint = {
  device: 2049,
  inode: 1234,
  offset: 5678,
  line: 9,
  fingerprint: 'ab'.repeat(20),
  fingerprintBytes: 1024,
  name: '/var/log/kubernetes/audit.log',
  activeAt: 1700000000000,
  updated: 1700000000500,
};

test('JSON file checkpoints survive a new process (reopen) and leave no temporary file', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kaudit-cp-'));
  const file = join(d, 'sub', 'agent.json');
  const a = new JsonFileCheckpointStore(file);
  await a.save('/var/log/a.log', cp);
  await a.save('/var/log/b.log', { ...cp, offset: 1 });
  await a.save('/var/log/a.log', { ...cp, offset: 6000 });
  const b = new JsonFileCheckpointStore(file);
  assert.equal((await b.load('/var/log/a.log'))?.offset, 6000);
  assert.equal((await b.load('/var/log/b.log'))?.offset, 1);
  assert.equal(await b.load('/var/log/c.log'), undefined);
  assert.deepEqual(readdirSync(join(d, 'sub')), ['agent.json']);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1);
});

test('a damaged checkpoint file is a clear error, not a silent restart from zero', () => {
  const d = mkdtempSync(join(tmpdir(), 'kaudit-cp-'));
  const file = join(d, 'cp.json');
  writeFileSync(file, '{"files": {');
  assert.throws(
    () => new JsonFileCheckpointStore(file),
    (e) => e instanceof UserError && /not valid JSON/.test(e.message),
  );
});

test('settings checkpoints use the key checkpoint:file:<path> and JSON values', async () => {
  const m = new Map<string, string>();
  const s = new SettingsCheckpointStore({
    getSetting: (k) => Promise.resolve(m.get(k)),
    setSetting: (k, v) => {
      m.set(k, v);
      return Promise.resolve();
    },
  });
  await s.save('/var/log/a.log', cp);
  assert.deepEqual([...m.keys()], ['checkpoint:file:/var/log/a.log']);
  assert.deepEqual(await s.load('/var/log/a.log'), cp);
  m.set('checkpoint:file:/x', 'not json');
  assert.equal(await s.load('/x'), undefined);
});
