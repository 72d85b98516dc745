// A private ClickHouse server for tests: its own temp directory (data, logs, users), loopback only,
// a free HTTP port and no other listener (no native TCP, no interserver port). Tests that kill and
// restart it get the same directory and port back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The server binary: Debian's `clickhouse-server`, or the single `clickhouse` binary of upstream. */
export function clickHouseServerCommand(): { cmd: string; args: string[] } | null {
  // $KAUDIT_CLICKHOUSE_SERVER names another binary (or, when it does not exist, none: the skip path).
  const chosen = process.env.KAUDIT_CLICKHOUSE_SERVER;
  if (chosen) {
    if (!existsSync(chosen)) return null;
    return chosen.endsWith('/clickhouse') ? { cmd: chosen, args: ['server'] } : { cmd: chosen, args: [] };
  }
  for (const p of ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) {
    if (existsSync(p)) return { cmd: p, args: [] };
  }
  const which = spawnSync('sh', ['-c', 'command -v clickhouse-server || command -v clickhouse'], {
    encoding: 'utf8',
  });
  const found = which.stdout.trim().split('\n')[0];
  if (!found) return null;
  return found.endsWith('/clickhouse') ? { cmd: found, args: ['server'] } : { cmd: found, args: [] };
}

export const NO_SERVER_REASON =
  'no ClickHouse server binary (install Debian clickhouse-server: apt-get install clickhouse-server)';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestClickHouse {
  /** clickhouse:// store URL for `database`. */
  storeUrl(database: string): string;
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  port: number;
  dir: string;
  /** Runs one statement over HTTP and returns the text answer (throws on an error status). */
  sql(statement: string): Promise<string>;
  /** SIGKILL: no shutdown, as a crash or an OOM kill. */
  kill9(): Promise<void>;
  /** Starts it again on the same directory and port; resolves when it answers. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

function configXml(dir: string, port: number, nativePort: number | null): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/server.log</log>
    <errorlog>${dir}/log/error.log</errorlog>
    <size>50M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${port}</http_port>${nativePort ? `\n  <tcp_port>${nativePort}</tcp_port>` : ''}
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <timezone>UTC</timezone>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>4000000000</max_memory_usage></default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default>
  </quotas>
</yandex>
`;

async function waitUntilUp(httpUrl: string, proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`clickhouse-server exited with code ${proc.exitCode}`);
    try {
      const r = await fetch(`${httpUrl}/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer on ${httpUrl} within ${timeoutMs} ms`);
}

export interface TestClickHouseOptions {
  /** Extra configuration files copied into the server's config.d (merged by ClickHouse). */
  configFiles?: string[];
  /** Also listen on a native-protocol port (18.16 needs one once remote_servers is configured). */
  nativePort?: boolean;
}

export async function startTestClickHouse(opts: TestClickHouseOptions = {}): Promise<TestClickHouse> {
  const command = clickHouseServerCommand();
  if (!command) throw new Error(NO_SERVER_REASON);
  const dir = mkdtempSync(join(tmpdir(), 'kaudit-ch-'));
  for (const d of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) mkdirSync(join(dir, d));
  const port = await freePort();
  const nativePort = opts.nativePort ? await freePort() : null;
  writeFileSync(join(dir, 'config.xml'), configXml(dir, port, nativePort));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  if (opts.configFiles?.length) {
    mkdirSync(join(dir, 'config.d'));
    for (const f of opts.configFiles) copyFileSync(f, join(dir, 'config.d', basename(f)));
  }
  const httpUrl = `http://127.0.0.1:${port}`;
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(command.cmd, [...command.args, `--config-file=${join(dir, 'config.xml')}`], {
      cwd: dir,
      stdio: 'ignore',
    });
    await waitUntilUp(httpUrl, proc);
  };
  const exited = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
  try {
    await launch();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    httpUrl,
    port,
    dir,
    storeUrl: (database) => `clickhouse://default:@127.0.0.1:${port}/${database}`,
    async sql(statement) {
      const r = await fetch(httpUrl, { method: 'POST', body: statement });
      const text = await r.text();
      if (!r.ok) throw new Error(text.trim());
      return text;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited();
    },
    async restart() {
      await launch();
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited();
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
