// The 2 shards × 2 replicas sample (deploy/clickhouse/) loads into a real server: the cluster has
// the shape the docs describe and the macros kaudit's DDL relies on ({shard}, a cluster-unique
// {replica}). Four servers and ZooKeeper cannot run here; the DDL itself is tested in
// src/store/clickhouse/schema.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../cli/helpers.js';
import { requireOrSkip } from '../e2e/requirements.js';
import { NO_SERVER_REASON, clickHouseServerCommand, startTestClickHouse } from './server.js';

const SAMPLE = join(REPO, 'deploy', 'clickhouse');

test('the sample cluster config: 2 shards of 2 replicas, macros per server', async (t) => {
  if (!requireOrSkip(t, clickHouseServerCommand() !== null, NO_SERVER_REASON)) return;
  // The sample's host names do not resolve here: the same file with loopback addresses for them.
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-ch-sample-'));
  const cluster = join(dir, 'kaudit-cluster.xml');
  writeFileSync(
    cluster,
    readFileSync(join(SAMPLE, 'config.d', 'kaudit-cluster.xml'), 'utf8').replace(
      /<host>ch-s(\d)-r(\d)<\/host>/g,
      '<host>127.0.$1.$2</host>',
    ),
  );
  const ch = await startTestClickHouse({
    nativePort: true,
    configFiles: [cluster, join(SAMPLE, 'macros', 'ch-s2-r1.xml')],
  });
  rmSync(dir, { recursive: true, force: true });
  try {
    const clusters = await ch.sql(
      "SELECT shard_num, replica_num, host_name FROM system.clusters WHERE cluster = 'kaudit_2x2' ORDER BY shard_num, replica_num FORMAT TSV",
    );
    assert.deepEqual(clusters.trim().split('\n'), [
      '1\t1\t127.0.1.1',
      '1\t2\t127.0.1.2',
      '2\t1\t127.0.2.1',
      '2\t2\t127.0.2.2',
    ]);
    const macros = await ch.sql('SELECT macro, substitution FROM system.macros ORDER BY macro FORMAT TSV');
    assert.deepEqual(macros.trim().split('\n'), ['replica\tch-s2-r1', 'shard\t02']);
  } finally {
    await ch.stop();
  }
});
