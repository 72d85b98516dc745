// `kaudit agent`: follow the audit log on a control-plane node and forward it to a central
// `kaudit serve` (its webhook path), moving the local checkpoint only after the server acknowledged.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from './errors.js';
import { FileSource, JsonFileCheckpointStore } from '../ingest/tail/index.js';
import { WebhookForwarder } from '../ingest/tail/forward.js';

export const DEFAULT_AGENT_CHECKPOINT = './kaudit-data/agent-checkpoints.json';

interface AgentFlags {
  watch?: string[];
  server?: string;
  token?: string;
  node?: string;
  checkpoint?: string;
  startAt?: string;
  cluster?: string;
  ca?: string;
  insecureSkipVerify?: boolean;
}

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
}

function parseServer(text: string | undefined): URL {
  if (!text) {
    throw new UserError(
      'kaudit agent needs --server URL, the central kaudit serve (e.g. --server https://kaudit.kaudit.svc:8080)',
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--server ${text} is not a URL; write it as http://HOST:PORT or https://HOST:PORT`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`--server ${text} must be an http:// or https:// URL`);
  }
  return url;
}

export function register(program: Command): void {
  program
    .command('agent')
    .description(
      'Follow audit log files on this node and forward them to a central kaudit serve (exactly once, checkpointed)',
    )
    .option(
      '--watch <path>',
      'audit log file or glob to follow (repeatable)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--server <url>', 'the central kaudit serve, e.g. https://kaudit.kaudit.svc:8080')
    .option('--token <token>', 'bearer token with the ingest (or admin) role (default $KAUDIT_TOKEN)')
    .option('--node <name>', 'node name sent as X-Kaudit-Node (default $KAUDIT_NODE, else the host name)')
    .option('--checkpoint <file>', `local checkpoint file (default ${DEFAULT_AGENT_CHECKPOINT})`)
    .option(
      '--start-at <where>',
      'where to start a file with no checkpoint: beginning|end (default beginning)',
    )
    .option('--cluster <id>', "cluster id: posts to /audit/webhook/<id> (default: the server's cluster)")
    .option('--ca <file>', 'PEM CA bundle to verify the server certificate')
    .option('--insecure-skip-verify', 'do not verify the server certificate (testing only)')
    .addHelpText(
      'after',
      `
The agent reads only whole lines, follows lumberjack rotation (rename, new file, gzip) and
copytruncate, and after a restart resumes from its checkpoint, reading rotated backups it missed.
Each batch is POSTed as an EventList to <server>/audit/webhook[/<cluster>] with
Authorization: Bearer <token>, X-Kaudit-Node and X-Kaudit-Source; the checkpoint moves only after
HTTP 200. 429/503 wait for Retry-After; other failures back off up to 30 s and retry the same batch.
Logs are JSON lines on stderr. See docs/collection.md.

Examples:
  kaudit agent --watch /var/log/kubernetes/audit/audit.log --server https://kaudit.example:8080 --token "$TOKEN" --ca /etc/kaudit/ca.crt
  kaudit agent --watch '/var/log/kubernetes/*.audit' --server http://127.0.0.1:8080 --cluster prod-eu --start-at end
  KAUDIT_NODE=master-1 kaudit agent --watch /var/log/kube-apiserver/audit.log --server http://kaudit:8080 --checkpoint /var/lib/kaudit-agent/checkpoints.json`,
    )
    .action(async (flags: AgentFlags) => {
      if (!flags.watch?.length) {
        throw new UserError(
          "kaudit agent needs at least one --watch PATH (the apiserver's --audit-log-path, e.g. /var/log/kubernetes/audit/audit.log)",
        );
      }
      const server = parseServer(flags.server);
      const startAt = flags.startAt ?? 'beginning';
      if (startAt !== 'beginning' && startAt !== 'end') {
        throw new UserError(`--start-at ${startAt} is not valid; use beginning or end`);
      }
      if (flags.cluster !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(flags.cluster)) {
        throw new UserError(
          `--cluster ${flags.cluster} is not a valid cluster id; use letters, digits, ".", "_" and "-"`,
        );
      }
      let ca: Buffer | undefined;
      if (flags.ca) {
        try {
          ca = readFileSync(flags.ca);
        } catch (e) {
          throw new UserError(
            `cannot read the CA file --ca ${flags.ca} (${(e as NodeJS.ErrnoException).code}); check the path`,
          );
        }
      }
      const token = flags.token ?? process.env.KAUDIT_TOKEN;
      const node = flags.node ?? process.env.KAUDIT_NODE ?? hostname();
      const checkpointPath = resolve(flags.checkpoint ?? DEFAULT_AGENT_CHECKPOINT);
      const checkpoints = new JsonFileCheckpointStore(checkpointPath);
      const forwarder = new WebhookForwarder({
        server: server.href,
        token,
        node,
        cluster: flags.cluster,
        ca,
        insecureSkipVerify: flags.insecureSkipVerify,
        onDropped: (msg) => log('error', msg),
      });
      const source = new FileSource({
        patterns: flags.watch,
        startAt,
        // The server decides the cluster (from the URL path); identity is computed there.
        cluster: flags.cluster ?? 'default',
        sink: forwarder,
        checkpoints,
        onRejects: (rejects) => {
          for (const r of rejects.slice(0, 20)) {
            log('warn', `rejected ${r.source}:${r.line}: ${r.reason}`, { raw: r.raw.slice(0, 200) });
          }
          if (rejects.length > 20) log('warn', `… and ${rejects.length - 20} more rejected lines`);
        },
        onError: (msg) => log('warn', msg),
        onNotice: (msg) => log('info', msg),
      });
      await source.start();
      process.stdout.write(
        `agent ${node} forwarding ${flags.watch.join(', ')} to ${forwarder.url.href} (checkpoints in ${checkpointPath})\n`,
      );
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          log('info', 'stopping: finishing the batch in flight');
          void source
            .stop()
            .then(() => {
              const st = source.status().stats;
              log('info', 'agent stopped', {
                forwarded: forwarder.forwarded,
                dropped: forwarder.dropped,
                rejected: st.rejected,
                rotations: st.rotations,
              });
              forwarder.close();
            })
            .finally(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
