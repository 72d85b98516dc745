// `kaudit alerts list|test|run|lint|history|coverage`: thin — load rules and config, call
// src/alerts, print. On a store owned by a running kaudit serve, list/test/history go through its
// API; `run --once` refuses (the server evaluates the rules itself).
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { problemText, ruleSummaries, type RuleSummary } from '../alerts/api.js';
import { defaultAlertsConfig, type AlertsConfig } from '../alerts/config.js';
import { evaluateRule, testRule, type TestResult } from '../alerts/engine.js';
import { lintRules } from '../alerts/lint.js';
import { buildChannels } from '../alerts/notify/index.js';
import type { Rule } from '../alerts/rule.js';
import { durationSeconds, windowAt } from '../alerts/schedule.js';
import { effectiveEnabled, loadConfiguredRules } from '../alerts/service.js';
import { AlertStateStore, type HistoryEntry } from '../alerts/state.js';
import { QueryError } from '../query/errors.js';
import { loadConfigFile, validateConfig } from '../server/config.js';
import { registerAlertsCoverage } from './alerts-coverage.js';
import { UserError } from './errors.js';
import {
  addOutputFlags,
  addStoreFlags,
  addTimeFlags,
  outputFormat,
  queryTimezone,
  storeLocation,
  timeRange,
  type OutputFlags,
  type StoreFlags,
  type TimeFlags,
} from './flags.js';
import { formatTable, formatUnixSeconds, toJson } from './output.js';
import { describeQueryError } from './query.js';
import { findServer, type ServerInfo } from './remote.js';
import { withStore } from './store.js';

interface CommonFlags extends StoreFlags, OutputFlags {
  rules?: string[];
  config?: string;
  timezone?: string;
}

interface Setup {
  config: AlertsConfig;
  timezone: string;
  channelNames?: string[];
}

function setup(flags: CommonFlags): Setup {
  if (!flags.config) {
    return { config: defaultAlertsConfig(), timezone: queryTimezone(flags) };
  }
  const cfg = validateConfig(loadConfigFile(flags.config), `the config file ${flags.config}`);
  return {
    config: cfg.alerts,
    timezone: queryTimezone(flags, cfg.timezone),
    channelNames: ['inapp', ...Object.keys(cfg.alerts.channels)],
  };
}

async function loadRules(flags: CommonFlags, s: Setup, quiet = false): Promise<Rule[]> {
  const { rules, problems } = await loadConfiguredRules(s.config, flags.rules ?? []);
  if (!quiet) for (const p of problems) process.stderr.write(`kaudit: ${problemText(p)}\n`);
  return rules;
}

function findRule(rules: Rule[], id: string): Rule {
  const rule = rules.find((r) => r.id === id);
  if (rule) return rule;
  const close = rules.filter((r) => r.id.includes(id) || id.includes(r.id)).map((r) => r.id);
  throw new UserError(
    `there is no alert rule "${id}"${close.length ? ` (did you mean ${close.slice(0, 3).join(', ')}?)` : ''}; kaudit alerts list shows the ids`,
  );
}

/** The server owning the store, when --rules is not in the way. */
function server(flags: CommonFlags, command: string): ServerInfo | null {
  const s = findServer(storeLocation(flags).path);
  if (s && flags.rules?.length) {
    throw new UserError(
      `the store is owned by kaudit serve (${s.url}), which evaluates its own rules (alerts.rulesDir); drop --rules to ${command} through it, or stop the server`,
    );
  }
  return s;
}

async function api(s: ServerInfo, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, s.url), {
      method,
      headers: {
        Authorization: `Bearer ${s.token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new UserError(
      `kaudit serve at ${s.url} did not answer (${(e as Error).message}); is it still running?`,
    );
  }
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new UserError(json.error ?? `kaudit serve answered HTTP ${res.status}`);
  return json;
}

/** Commands that read events need a store that exists (opening would create an empty one). */
function requireStore(flags: StoreFlags): void {
  const loc = storeLocation(flags);
  const db = loc.path;
  if (loc.kind === 'duckdb' && !existsSync(db)) {
    throw new UserError(
      `there is no store at ${db}; import events first (kaudit import) or give the store with --db PATH.`,
    );
  }
}

function print(value: unknown): void {
  process.stdout.write(toJson(value, 2) + '\n');
}

function printRules(rules: RuleSummary[], format: string, tz: string): void {
  if (format === 'json') {
    print(rules);
    return;
  }
  process.stdout.write(
    formatTable({
      columns: ['id', 'name', 'severity', 'level', 'enabled', 'state', 'last run'].map((name) => ({ name })),
      rows: rules.map((r) => [
        r.id,
        r.name,
        r.severity,
        r.level,
        r.enabled ? 'yes' : 'no',
        r.state,
        r.lastRun === null ? '' : formatUnixSeconds(r.lastRun, tz),
      ]),
    }),
  );
}

function printTest(result: TestResult, format: string, tz: string): void {
  if (format === 'json') {
    print(result);
    return;
  }
  const w = result.window;
  process.stdout.write(
    `window ${formatUnixSeconds(w.from, tz)} – ${formatUnixSeconds(w.to, tz)} (${tz}): ${result.fired.length} alert${result.fired.length === 1 ? '' : 's'} would fire (nothing was sent)\n`,
  );
  for (const f of result.fired) {
    const group = Object.entries(f.group)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    process.stdout.write(`\n▶ ${f.annotations.title ?? ''}${group ? `  [${group}]` : ''}\n`);
    if (f.annotations.desc) process.stdout.write(`  ${f.annotations.desc}\n`);
    const cols = Object.keys(f.rows[0] ?? {});
    if (cols.length) {
      process.stdout.write(
        formatTable({
          columns: cols.map((name) => ({ name })),
          rows: f.rows.map((r) => cols.map((c) => r[c])),
        }),
      );
    }
  }
}

function printHistory(entries: HistoryEntry[], format: string, tz: string): void {
  if (format === 'json') {
    print(entries);
    return;
  }
  process.stdout.write(
    formatTable({
      columns: ['time', 'rule', 'severity', 'status', 'group', 'title', 'notifications'].map((name) => ({
        name,
      })),
      rows: entries.map((h) => [
        formatUnixSeconds(h.time, tz),
        h.ruleId,
        h.severity,
        h.status,
        h.group,
        h.title,
        h.notifications.map((n) => `${n.channel}:${n.ok ? 'ok' : `failed (${n.error ?? ''})`}`).join(' '),
      ]),
    }),
  );
}

function common(cmd: Command, withRules = true): Command {
  addStoreFlags(cmd);
  if (withRules) {
    cmd.option(
      '--rules <path>',
      'extra rule file or directory, after the built-ins and alerts.rulesDir (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    );
  }
  cmd.option('--config <file>', 'kaudit.yaml: alerts.rulesDir, alerts.channels, timezone');
  if (!cmd.options.some((o) => o.long === '--timezone')) {
    cmd.option(
      '--timezone <tz>',
      'time zone of windows and times (default $KAUDIT_TIMEZONE, else config, else $TZ, else UTC)',
    );
  }
  return cmd;
}

const LIST_HELP = `
Examples:
  kaudit alerts list
  kaudit alerts list --rules ./my-rules --format json
Columns: id, name, severity, the minimum audit level the rule needs, enabled (the rule file, or an
enable/disable from the console, which wins), state (ok, pending, firing, error) and the last run.`;

const TEST_HELP = `
Examples:
  kaudit alerts test ack-exec-into-container
  kaudit alerts test ack-public-network-probe --since 24h --format json
  kaudit alerts test kaudit-my-rule --rules ./my-rules --from 2024-05-01 --to 2024-05-02
Runs the rule's queries and condition and shows the alerts that would fire, with their rows.
Nothing is notified and no state changes. Default window: the rule's own (window: in the rule).`;

const RUN_HELP = `
Examples:
  kaudit alerts run --once --config /etc/kaudit/kaudit.yaml
  kaudit alerts run --once --rules ./my-rules --db /var/lib/kaudit/kaudit.duckdb
Evaluates every enabled rule now, sends notifications through the channels of --config, and keeps
state in the store (so the next run neither repeats nor loses an alert). For cron jobs and CI;
kaudit serve runs the same evaluations on each rule's schedule. Exits 0 when it ran.`;

const LINT_HELP = `
Examples:
  kaudit alerts lint
  kaudit alerts lint --rules ./my-rules --config kaudit.yaml
Checks every rule file: YAML and fields, placeholders, that each query compiles, the condition,
columns the condition/groupBy/annotations name, channels (with --config). Exits 1 on errors.`;

const HISTORY_HELP = `
Examples:
  kaudit alerts history
  kaudit alerts history --rule ack-exec-into-container --limit 20 --format json
Every notification with each channel's outcome, throttled alerts and failed evaluations, newest first.`;

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert rules: list, test, run once, lint, history, coverage against an audit policy')
    .addHelpText(
      'after',
      `
Examples:
  kaudit alerts list
  kaudit alerts test ack-exec-into-container --since 1h
  kaudit alerts run --once --config kaudit.yaml
  kaudit alerts lint --rules ./my-rules
  kaudit alerts history --rule ack-public-network-probe
  kaudit alerts coverage --policy /etc/kubernetes/audit-policy.yaml
Writing rules and configuring channels: docs/alerts.md.`,
    );

  const list = common(alerts.command('list').description('list the alert rules with their state'));
  addOutputFlags(list, ['table', 'json']);
  list.addHelpText('after', LIST_HELP);
  list.action(async (flags: CommonFlags) => {
    const s = setup(flags);
    const format = outputFormat(flags);
    const srv = server(flags, 'list rules');
    if (srv) {
      const answer = (await api(srv, 'GET', '/api/v1/alerts/rules')) as { rules: RuleSummary[] };
      printRules(answer.rules, format, s.timezone);
      return;
    }
    const rules = await loadRules(flags, s);
    const loc = storeLocation(flags);
    if (loc.kind === 'duckdb' && !existsSync(loc.path)) {
      // No store yet: the rule files alone (nothing has run).
      const state = new AlertStateStore({
        putDocument: async () => {},
        getDocument: async () => undefined,
        listDocuments: async () => [],
        deleteDocument: async () => false,
      });
      printRules(await ruleSummaries(rules, state), format, s.timezone);
      return;
    }
    await withStore(
      flags,
      async (store) => printRules(await ruleSummaries(rules, new AlertStateStore(store)), format, s.timezone),
      'alerts list',
    );
  });

  const test = common(
    addTimeFlags(alerts.command('test').description('show what a rule would fire, without notifying')),
  ).argument('<rule>', 'the rule id (kaudit alerts list)');
  addOutputFlags(test, ['table', 'json']);
  test.addHelpText('after', TEST_HELP);
  test.action(async (id: string, flags: CommonFlags & TimeFlags) => {
    const s = setup(flags);
    const format = outputFormat(flags);
    const now = Math.floor(Date.now() / 1000);
    const given = flags.since || flags.from || flags.to ? timeRange(flags, s.timezone, undefined, now) : null;
    const srv = server(flags, 'test a rule');
    if (srv) {
      const body = given ? { from: given.from ?? 0, to: given.to ?? now } : {};
      const result = (await api(
        srv,
        'POST',
        `/api/v1/alerts/rules/${encodeURIComponent(id)}/test`,
        body,
      )) as TestResult;
      printTest(result, format, s.timezone);
      return;
    }
    const rule = findRule(await loadRules(flags, s), id);
    requireStore(flags);
    const range = given
      ? { from: given.from ?? 0, to: given.to ?? now }
      : windowAt(rule.window, now, s.timezone);
    await withStore(
      flags,
      async (store) => {
        let result: TestResult;
        try {
          result = await testRule(
            rule,
            {
              store,
              timezone: s.timezone,
              queryTimeoutMs: durationSeconds(s.config.queryTimeout, 'alerts.queryTimeout') * 1000,
            },
            range,
            now,
          );
        } catch (e) {
          if (e instanceof QueryError)
            throw new UserError(`rule ${rule.id}: ${describeQueryError(e, rule.queries[0])}`);
          throw e;
        }
        printTest(result, format, s.timezone);
      },
      'alerts test',
    );
  });

  const run = common(
    alerts.command('run').description('evaluate every enabled rule once now and notify'),
  ).option('--once', 'evaluate once and exit (required; the continuous scheduler runs in kaudit serve)');
  addOutputFlags(run, ['table', 'json']);
  run.addHelpText('after', RUN_HELP);
  run.action(async (flags: CommonFlags & { once?: boolean }) => {
    if (!flags.once) {
      throw new UserError(
        'kaudit alerts run evaluates the rules once and exits; pass --once (kaudit serve runs them on their schedules).',
      );
    }
    const s = setup(flags);
    const format = outputFormat(flags);
    const srv = findServer(storeLocation(flags).path);
    if (srv) {
      throw new UserError(
        `the store is owned by kaudit serve (pid ${srv.pid}, ${srv.url}), which already evaluates the rules on their schedules; stop it to run them once from here`,
      );
    }
    const rules = await loadRules(flags, s);
    requireStore(flags);
    await withStore(
      flags,
      async (store) => {
        const state = new AlertStateStore(store);
        const channels = buildChannels(s.config, state);
        for (const [name, why] of channels.broken)
          process.stderr.write(`kaudit: channel ${name} is unusable: ${why}\n`);
        const enabled = await effectiveEnabled(state, rules);
        const deps = {
          store,
          state,
          channels,
          timezone: s.timezone,
          queryTimeoutMs: durationSeconds(s.config.queryTimeout, 'alerts.queryTimeout') * 1000,
          log: (_l: string, msg: string, f: Record<string, unknown> = {}) =>
            process.stderr.write(`kaudit: ${msg} ${toJson(f)}\n`),
        };
        const reports = [];
        for (const rule of rules) {
          if (!enabled.get(rule.id)) continue;
          reports.push(await evaluateRule(rule, deps));
        }
        if (format === 'json') {
          print(reports);
          return;
        }
        process.stdout.write(
          formatTable({
            columns: ['rule', 'matched', 'firing', 'pending', 'notified', 'failed', 'error'].map((name) => ({
              name,
            })),
            rows: reports.map((r) => [
              r.ruleId,
              r.matched,
              r.firing,
              r.pending,
              r.delivered.length,
              r.delivered.filter((d) => d.notifications.some((n) => !n.ok)).length,
              r.error ?? '',
            ]),
          }),
        );
      },
      'alerts run',
    );
  });

  const lint = common(alerts.command('lint').description('check rule files; exit 1 on errors'), true);
  lint.addHelpText('after', LINT_HELP);
  lint.action(async (flags: CommonFlags) => {
    const s = setup(flags);
    const { rules, problems } = await loadConfiguredRules(s.config, flags.rules ?? []);
    const all = [...problems, ...lintRules(rules, s.channelNames ? { channels: s.channelNames } : {})];
    for (const p of all) process.stdout.write(`${problemText(p)}\n`);
    const errors = all.filter((p) => p.severity === 'error').length;
    const warnings = all.length - errors;
    process.stdout.write(
      `${rules.length} rules loaded; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
    );
    if (errors) process.exitCode = 1;
  });

  const history = common(
    alerts.command('history').description('notifications, throttled alerts and failed evaluations'),
    false,
  )
    .option('--rule <id>', 'only this rule')
    .option('--limit <n>', 'at most N entries (default 100)');
  addOutputFlags(history, ['table', 'json']);
  history.addHelpText('after', HISTORY_HELP);
  history.action(async (flags: CommonFlags & { rule?: string; limit?: string }) => {
    const s = setup(flags);
    const format = outputFormat(flags);
    const limit = flags.limit === undefined ? 100 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UserError(`--limit ${flags.limit} is not a whole number ≥ 1; write it like --limit 100.`);
    }
    const srv = findServer(storeLocation(flags).path);
    if (srv) {
      const q = new URLSearchParams({ limit: String(limit), ...(flags.rule ? { rule: flags.rule } : {}) });
      const answer = (await api(srv, 'GET', `/api/v1/alerts/history?${q}`)) as { history: HistoryEntry[] };
      printHistory(answer.history, format, s.timezone);
      return;
    }
    requireStore(flags);
    await withStore(
      flags,
      async (store) =>
        printHistory(
          await new AlertStateStore(store).history({ ...(flags.rule ? { ruleId: flags.rule } : {}), limit }),
          format,
          s.timezone,
        ),
      'alerts history',
    );
  });

  registerAlertsCoverage(alerts);
}
