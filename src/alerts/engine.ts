// Evaluating a rule for real: load its state, first finish any notification a previous run decided
// but did not deliver (a crash or restart in between), evaluate, write the new state together with
// the notifications it causes ("intents") in one document, then deliver them channel by channel,
// marking each channel done, and record the outcome in the history. A restart therefore resends
// exactly the channels that were not done; receivers also get the idempotency key.
import { runQuery } from '../query/run.js';
import type { Store } from '../store/store.js';
import {
  advance,
  formatTime,
  groupVars,
  matchGroups,
  runRuleQueries,
  type QueryRows,
  type Transition,
} from './evaluate.js';
import type { ChannelSet } from './notify/index.js';
import { withRetries } from './notify/retry.js';
import type { Notification } from './notify/types.js';
import type { Rule } from './rule.js';
import { windowAt } from './schedule.js';
import { shortHash, type AlertStateStore, type HistoryEntry, type Intent, type RuleState } from './state.js';
import type { TemplateVars } from './template.js';

export type Log = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface EngineDeps {
  store: Store;
  state: AlertStateStore;
  channels: ChannelSet;
  timezone: string;
  /** Per query. */
  queryTimeoutMs: number;
  /** unix seconds */
  now?: () => number;
  log?: Log;
  /** Waits between delivery attempts (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Test seam: runs after the intents are stored and before anything is sent. */
  afterIntents?: (ruleId: string, intents: Intent[]) => Promise<void> | void;
}

export interface EvaluationReport {
  ruleId: string;
  at: number;
  window: { from: number; to: number };
  /** Groups that matched in this evaluation. */
  matched: number;
  firing: number;
  pending: number;
  /** Notifications delivered (or finally failed) by this run, resends included. */
  delivered: HistoryEntry[];
  throttled: number;
  error?: string;
}

export function notificationOf(i: Intent): Notification {
  return {
    key: i.key,
    ruleId: i.ruleId,
    ruleName: i.ruleName,
    severity: i.severity,
    status: i.status,
    group: i.group,
    time: i.time,
    vars: i.vars,
  };
}

function historyTitle(vars: TemplateVars): string {
  return String(vars.title ?? '');
}

/** Delivers every intent in the state's outbox; saves progress after each channel. */
export async function deliverOutbox(state: RuleState, deps: EngineDeps): Promise<HistoryEntry[]> {
  const done: HistoryEntry[] = [];
  const { channels, broken, retry } = deps.channels;
  while (state.outbox.length) {
    const intent = state.outbox[0];
    for (const name of intent.channels) {
      if (intent.done[name]) continue;
      const ch = channels.get(name);
      if (!ch) {
        intent.done[name] = {
          ok: false,
          attempts: 0,
          error:
            broken.get(name) ??
            `channel "${name}" is not configured; add it under alerts.channels in the server config`,
        };
      } else {
        const outcome = await withRetries(() => ch.send(notificationOf(intent)), retry, deps.sleep);
        intent.done[name] = {
          ok: outcome.ok,
          attempts: outcome.attempts,
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        };
        if (!outcome.ok) {
          deps.log?.('warn', 'alert notification failed', {
            rule: intent.ruleId,
            channel: name,
            attempts: outcome.attempts,
            error: outcome.error,
          });
        }
      }
      await deps.state.save(state);
    }
    const entry: HistoryEntry = {
      time: intent.time,
      ruleId: intent.ruleId,
      ruleName: intent.ruleName,
      severity: intent.severity,
      status: intent.status,
      group: intent.group,
      title: historyTitle(intent.vars),
      notifications: intent.channels.map((c) => ({
        channel: c,
        ok: intent.done[c]?.ok ?? false,
        ...(intent.done[c]?.error ? { error: intent.done[c].error } : {}),
      })),
      key: intent.key,
    };
    await deps.state.addHistory(entry);
    state.outbox.shift();
    await deps.state.save(state);
    done.push(entry);
  }
  return done;
}

function runner(deps: Pick<EngineDeps, 'store' | 'queryTimeoutMs'>) {
  return (q: string, ctx: Parameters<typeof runQuery>[2]) =>
    runQuery(deps.store, q, ctx, { timeoutMs: deps.queryTimeoutMs });
}

/** Evaluates `rule` once at `at` (default now), notifies, and persists everything. */
export async function evaluateRule(rule: Rule, deps: EngineDeps, at?: number): Promise<EvaluationReport> {
  const now = at ?? Math.floor(deps.now ? deps.now() : Date.now() / 1000);
  const range = windowAt(rule.window, now, deps.timezone);
  let state = await deps.state.load(rule.id);
  // 1. What an earlier run decided but did not finish delivering goes out first, exactly once.
  const delivered = await deliverOutbox(state, deps);

  // 2. Evaluate.
  let results: QueryRows[];
  try {
    results = await runRuleQueries(rule, runner(deps), range, deps.timezone);
  } catch (e) {
    const error = e instanceof Error ? e.message.split('\n')[0] : String(e);
    state = { ...state, lastRun: now, lastError: error };
    await deps.state.save(state);
    await deps.state.addHistory({
      time: now,
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      status: 'error',
      group: '',
      title: `evaluation failed: ${error}`,
      notifications: [],
      key: `${rule.id}:error:${now}`,
      error,
    });
    deps.log?.('warn', 'alert rule evaluation failed', { rule: rule.id, error });
    return {
      ruleId: rule.id,
      at: now,
      window: range,
      matched: 0,
      firing: 0,
      pending: 0,
      delivered,
      throttled: 0,
      error,
    };
  }
  const matched = matchGroups(rule, results).map((g) => ({
    key: g.key,
    group: g.group,
    vars: groupVars(rule, g, results, now, deps.timezone),
  }));
  const next = advance(rule, state, matched, now);

  // 3. The new state and the notifications it causes, in one write.
  const channels = rule.channels ?? deps.channels.defaults;
  const intents = next.notify.map((t) => intentFor(rule, t, now, channels, deps.timezone));
  state = { ...next.state, outbox: [...next.state.outbox, ...intents] };
  await deps.state.save(state);
  for (const t of next.throttled) {
    await deps.state.addHistory({
      time: now,
      ruleId: rule.id,
      ruleName: rule.name,
      severity: rule.severity,
      status: 'throttled',
      group: String(t.vars.group ?? ''),
      title: historyTitle(t.vars),
      notifications: [],
      key: `${rule.id}:throttled:${now}:${shortHash(t.groupKey)}`,
    });
  }
  if (deps.afterIntents) await deps.afterIntents(rule.id, intents);

  // 4. Deliver.
  delivered.push(...(await deliverOutbox(state, deps)));
  const groups = Object.values(state.groups);
  return {
    ruleId: rule.id,
    at: now,
    window: range,
    matched: matched.length,
    firing: groups.filter((g) => g.firing).length,
    pending: groups.filter((g) => !g.firing).length,
    delivered,
    throttled: next.throttled.length,
  };
}

function intentFor(rule: Rule, t: Transition, at: number, channels: string[], timezone: string): Intent {
  const vars: TemplateVars =
    t.status === 'resolved'
      ? { ...t.vars, resolve_time: formatTime(at, timezone), status: 'resolved' }
      : t.vars;
  return {
    key: `${rule.id}:${t.status}:${at}:${shortHash(t.groupKey)}`,
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    status: t.status,
    group: String(vars.group ?? ''),
    time: at,
    vars,
    channels: [...channels],
    done: {},
  };
}

export interface TestResult {
  window: { from: number; to: number };
  fired: {
    group: Record<string, unknown>;
    annotations: Record<string, string>;
    labels: Record<string, string>;
    rows: Record<string, unknown>[];
  }[];
  queries: { query: string; columns: string[]; rows: Record<string, unknown>[] }[];
}

/** What the rule would fire on `range`, without state or notifications (`alerts test`). */
export async function testRule(
  rule: Rule,
  deps: Pick<EngineDeps, 'store' | 'queryTimeoutMs' | 'timezone'>,
  range: { from: number; to: number },
  at = Math.floor(Date.now() / 1000),
): Promise<TestResult> {
  const results = await runRuleQueries(rule, runner(deps), range, deps.timezone);
  const fired = matchGroups(rule, results).map((g) => {
    const vars = groupVars(rule, g, results, at, deps.timezone);
    return {
      group: g.group,
      annotations: vars.annotations as Record<string, string>,
      labels: vars.labels as Record<string, string>,
      // Each matching row of query 0 (the combination's other rows are in `queries`).
      rows: g.rows.map((combo) => combo[0]),
    };
  });
  return { window: range, fired, queries: results };
}
