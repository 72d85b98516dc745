// `kaudit serve`: one process that owns the store, serves the HTTP API and runs the sources.
import type { Command } from 'commander';
import { addStoreFlags, storeLocation, type StoreFlags } from './flags.js';
import { UserError } from './errors.js';
import { loadConfigFile, validateConfig } from '../server/config.js';
import { startServer } from '../server/serve.js';

interface ServeFlags extends StoreFlags {
  config?: string;
  port?: string;
  bind?: string;
  webhook?: boolean;
  watch?: string[];
  startAt?: string;
  policy?: string;
  redact?: boolean;
  retention?: string;
  timezone?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Run the server: HTTP API, webhook receiver and log followers over one store');
  addStoreFlags(cmd, 'default cluster id for events received without one (default "default")');
  cmd
    .option('--config <file>', 'kaudit.yaml with tokens, TLS, sources (flags override it)')
    .option('--port <port>', 'TCP port (default 8080; 0 picks a free one)')
    .option('--bind <address>', 'address to listen on (default 127.0.0.1; anything else needs tokens)')
    .option('--webhook', 'accept the apiserver webhook backend on /audit/webhook[/CLUSTER]')
    .option(
      '--watch <path>',
      'follow an audit log file or glob (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--start-at <where>',
      'where to start a file with no checkpoint: beginning|end (default beginning)',
    )
    .option('--policy <file>', 'apply an audit policy at ingest (built-in name or file)')
    .option('--no-redact', 'store secret values as they are (redaction is on by default)')
    .option('--retention <dur>', 'store retention by receive time (default 30d; 0 keeps everything)')
    .option('--timezone <tz>', 'query time zone')
    .addHelpText(
      'after',
      `
The server writes <db>.serve.json (pid, URL, a local token) beside the store so other kaudit commands
on the same file go through it. Bound to 127.0.0.1 with no tokens configured, the API is open; any
other address needs tokens (config file: tokens: [{name, token, role: viewer|admin|ingest}]).

Examples:
  kaudit serve
  kaudit serve --webhook --port 8443 --config /etc/kaudit/kaudit.yaml
  kaudit serve --watch '/var/log/kubernetes/audit/*.log' --start-at end
  kaudit serve --webhook --store clickhouse://kaudit@ch1:8123/kaudit   # password: $KAUDIT_CLICKHOUSE_PASSWORD
  curl -s localhost:8080/api/v1/query -d '{"query":"verb: delete | select count(*) as n"}' -H 'Content-Type: application/json'`,
    )
    .action(async (flags: ServeFlags) => {
      const raw = (flags.config ? loadConfigFile(flags.config) : {}) as Record<string, unknown>;
      const merged: Record<string, unknown> = { ...raw };
      if (flags.port !== undefined) {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new UserError(`--port ${flags.port} is not a TCP port; use a number from 0 to 65535`);
        }
        merged.port = port;
      }
      if (flags.bind) merged.bind = flags.bind;
      if (flags.cluster) merged.cluster = flags.cluster;
      if (flags.webhook) merged.webhook = { ...((raw.webhook as object) ?? {}), enabled: true };
      if (flags.watch?.length) merged.watch = flags.watch;
      if (flags.startAt) merged.startAt = flags.startAt;
      if (flags.policy) merged.policy = flags.policy;
      if (flags.redact === false) merged.redact = false;
      if (flags.retention) merged.retention = flags.retention;
      if (flags.timezone) merged.timezone = flags.timezone;
      if (flags.db) merged.db = flags.db;
      const config = validateConfig(
        merged,
        flags.config ? `the config file ${flags.config}` : 'the server flags',
      );
      const loc = storeLocation({
        db: config.db ?? flags.db,
        store: config.store ?? flags.store,
        chCluster: flags.chCluster,
      });
      const server = await startServer({ dbPath: loc.path, location: loc, config });
      process.stdout.write(`listening on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
