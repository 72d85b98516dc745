// One evaluation of a rule (sls-query.md §5.1): run its 1–3 queries on the window, keep the first
// 100 rows of each, evaluate the condition on every combination of rows (at most 1000), collect
// the matching combinations into groups (`groupBy`; one group without it), and advance the rule's
// state: consecutive counts against the threshold, firing, throttling, resolving.
import type { QueryContext } from '../query/index.js';
import type { QueryOutput } from '../query/run.js';
import {
  evaluateCondition,
  parseCondition,
  valueText,
  type Condition,
  type RowCombination,
} from './condition.js';
import type { Rule } from './rule.js';
import type { GroupState, RuleState } from './state.js';
import { renderTemplate, type TemplateVars } from './template.js';

/** Only the first 100 rows of each query count (sls-query.md §5.1). */
export const ROWS_PER_QUERY = 100;
/** At most 1000 row combinations across queries are evaluated. */
export const MAX_COMBINATIONS = 1000;

export type QueryRunner = (query: string, ctx: QueryContext) => Promise<QueryOutput>;

export interface QueryRows {
  query: string;
  columns: string[];
  rows: Record<string, unknown>[];
}

export interface MatchedGroup {
  /** Stable identity of the group (JSON of its values). */
  key: string;
  /** The groupBy values. */
  group: Record<string, unknown>;
  /** Matching combinations, in result order. */
  rows: RowCombination[];
}

/** A whole event as a row: its fields under their dotted names (objects kept as well). */
export function flattenEvent(ev: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (prefix: string, v: unknown) => {
    if (prefix) out[prefix] = v;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        walk(prefix ? `${prefix}.${k}` : k, x);
    }
  };
  walk('', ev);
  return out;
}

/** Runs every query of `rule` on `[from, to)` and keeps the first 100 rows of each. */
export async function runRuleQueries(
  rule: Pick<Rule, 'queries'>,
  run: QueryRunner,
  range: { from: number; to: number },
  timezone: string,
): Promise<QueryRows[]> {
  const out: QueryRows[] = [];
  for (const query of rule.queries) {
    const res = await run(query, { from: range.from, to: range.to, timezone, limit: ROWS_PER_QUERY });
    if (res.kind === 'search') {
      const rows = res.events.slice(0, ROWS_PER_QUERY).map(flattenEvent);
      out.push({ query, columns: [], rows });
    } else {
      const columns = res.columns.map((c) => c.name);
      const rows = res.rows.slice(0, ROWS_PER_QUERY).map((r) => {
        const o: Record<string, unknown> = {};
        columns.forEach((c, i) => (o[c] = r[i]));
        return o;
      });
      out.push({ query, columns, rows });
    }
  }
  return out;
}

/** Every combination of one row per query, in order, at most `MAX_COMBINATIONS`. */
export function combinations(results: QueryRows[]): RowCombination[] {
  if (results.length === 0 || results.some((r) => r.rows.length === 0)) return [];
  const out: RowCombination[] = [];
  const idx = results.map(() => 0);
  for (;;) {
    out.push(results.map((r, i) => r.rows[idx[i]]));
    if (out.length >= MAX_COMBINATIONS) return out;
    let q = results.length - 1;
    while (q >= 0) {
      idx[q]++;
      if (idx[q] < results[q].rows.length) break;
      idx[q] = 0;
      q--;
    }
    if (q < 0) return out;
  }
}

/** `$1.name` reads query 1; a plain name reads query 0. */
function field(rows: RowCombination, name: string): unknown {
  const m = /^\$(\d)\.(.*)$/s.exec(name);
  const [q, f] = m ? [Number(m[1]), m[2]] : [0, name];
  const v = rows[q]?.[f];
  return v === undefined ? null : v;
}

/** The combinations that satisfy the condition, grouped by `groupBy` in order of appearance. */
export function matchGroups(
  rule: Pick<Rule, 'groupBy'> & { condition: string | Condition },
  results: QueryRows[],
): MatchedGroup[] {
  const cond = typeof rule.condition === 'string' ? parseCondition(rule.condition) : rule.condition;
  const groups = new Map<string, MatchedGroup>();
  const counts = results.map((r) => r.rows.length);
  for (const combo of combinations(results)) {
    if (!evaluateCondition(cond, combo, { counts })) continue;
    const values = rule.groupBy.map((g) => field(combo, g));
    const key = JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    let g = groups.get(key);
    if (!g) {
      const group: Record<string, unknown> = {};
      rule.groupBy.forEach((name, i) => (group[name] = values[i]));
      g = { key, group, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(combo);
  }
  return [...groups.values()];
}

export function groupText(group: Record<string, unknown>): string {
  return Object.entries(group)
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(', ');
}

/** `YYYY-MM-DD HH:MM:SS` of unix seconds in `tz`. */
export function formatTime(unix: number, tz: string): string {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(unix * 1000));
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${g('year')}-${g('month')}-${g('day')} ${g('hour')}:${g('minute')}:${g('second')}`;
}

/**
 * Template variables of a group (sls-query.md §5.3): the first matching row's columns (`$N.x` for
 * every query, plain names from query 0 first), `__count__`, the built-ins, then labels and
 * annotations rendered with all of them.
 */
export function groupVars(
  rule: Pick<Rule, 'id' | 'name' | 'severity' | 'labels' | 'annotations' | 'description'>,
  g: MatchedGroup,
  results: QueryRows[],
  at: number,
  timezone: string,
): TemplateVars {
  const first = g.rows[0] ?? [];
  const vars: TemplateVars = {};
  first.forEach((row, q) => {
    for (const [k, v] of Object.entries(row)) {
      vars[`$${q}.${k}`] = v;
      if (!(k in vars)) vars[k] = v;
    }
  });
  const fireTime = formatTime(at, timezone);
  Object.assign(vars, {
    row: first[0] ?? {},
    __count__: g.rows.length,
    alert_id: rule.id,
    alert_name: rule.name,
    severity: rule.severity,
    fire_time: fireTime,
    alert_time: fireTime,
    group: groupText(g.group),
    status: 'firing',
    status_text: 'FIRING',
    results: results.map((r) => ({ query: r.query, raw_result_count: r.rows.length, raw_results: r.rows })),
    fire_results_count: g.rows.length,
    // the old SLS alert names, for templates pasted from there
    AlertID: rule.id,
    AlertName: rule.name,
    AlertDisplayName: rule.name,
    FireTime: fireTime,
    Results: results.map((r) => ({ Query: r.query, RawResultCount: r.rows.length, RawResults: r.rows })),
  });
  const labels: Record<string, string> = {};
  for (const [k, t] of Object.entries(rule.labels)) labels[k] = renderTemplate(t, vars);
  vars.labels = labels;
  const annotations: Record<string, string> = {};
  for (const [k, t] of Object.entries(rule.annotations))
    annotations[k] = renderTemplate(t, { ...vars, labels });
  vars.annotations = annotations;
  vars.title = annotations.title || rule.name;
  vars.desc = annotations.desc || annotations.description || rule.description;
  return vars;
}

/** The variables worth keeping in state for a later resolve message (not the raw results). */
export function storedVars(vars: TemplateVars): TemplateVars {
  const { results: _r, ...rest } = vars;
  void _r;
  return rest;
}

export interface Transition {
  status: 'firing' | 'resolved';
  groupKey: string;
  group: Record<string, unknown>;
  vars: TemplateVars;
}

export interface Advance {
  state: RuleState;
  /** Notifications to send. */
  notify: Transition[];
  /** Groups that started firing inside their throttle period (recorded, not sent). */
  throttled: Transition[];
}

/**
 * The rule's next state after an evaluation at `at` in which `matched` groups matched:
 * - a matching group counts one more consecutive match; at `threshold` it fires and is notified,
 *   unless it was notified less than `throttle` seconds ago (then it fires silently);
 * - a firing group that keeps matching stays firing without a new notification;
 * - a group that stops matching resets its count; a firing one resolves (notified when its firing
 *   was and the rule has `notifyResolved`).
 */
export function advance(
  rule: Pick<Rule, 'threshold' | 'throttle' | 'notifyResolved'>,
  prev: RuleState,
  matched: { key: string; group: Record<string, unknown>; vars: TemplateVars }[],
  at: number,
): Advance {
  const groups: Record<string, GroupState> = {};
  const lastNotified: Record<string, number> = {};
  for (const [k, t] of Object.entries(prev.lastNotified)) {
    if (rule.throttle > 0 && at - t < rule.throttle) lastNotified[k] = t;
  }
  const notify: Transition[] = [];
  const throttled: Transition[] = [];
  const seen = new Set<string>();
  for (const m of matched) {
    seen.add(m.key);
    const old = prev.groups[m.key];
    const g: GroupState = old
      ? { ...old, count: old.count + 1, lastMatched: at }
      : {
          count: 1,
          firing: false,
          notified: false,
          lastMatched: at,
          group: m.group,
          vars: storedVars(m.vars),
        };
    if (!g.firing && g.count >= rule.threshold) {
      g.firing = true;
      g.since = at;
      g.vars = storedVars(m.vars);
      const last = lastNotified[m.key];
      const t: Transition = { status: 'firing', groupKey: m.key, group: m.group, vars: m.vars };
      if (last !== undefined) {
        g.notified = false;
        throttled.push(t);
      } else {
        g.notified = true;
        if (rule.throttle > 0) lastNotified[m.key] = at;
        notify.push(t);
      }
    }
    groups[m.key] = g;
  }
  for (const [key, g] of Object.entries(prev.groups)) {
    if (seen.has(key) || !g.firing) continue;
    if (g.notified && rule.notifyResolved) {
      notify.push({
        status: 'resolved',
        groupKey: key,
        group: g.group,
        vars: { ...g.vars, status: 'resolved', status_text: 'RESOLVED' },
      });
    }
  }
  return { state: { ...prev, groups, lastNotified, lastRun: at, lastError: null }, notify, throttled };
}
