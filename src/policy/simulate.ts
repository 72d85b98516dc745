// `kaudit policy simulate`: replay a recorded log through a candidate policy (and optionally a
// baseline) and report, per rule, what would be kept, re-leveled and dropped, in events and bytes,
// the noisiest users/resources/verbs, and the projected daily volume against a budget.
//
// Bytes are those of the log as written (one JSON line per event, newline included). A re-leveled
// or trimmed event counts its original bytes minus what stripping removes from its JSON. An event
// that the candidate would record at a HIGHER level than the log holds cannot gain the bodies that
// were never recorded: it counts with its recorded bytes and is flagged as "raised", so volumes are
// then a lower bound.
import type { AuditEvent, Level } from '../event/types.js';
import { applyDecision } from './apply.js';
import { attributesFromEvent } from './attributes.js';
import type { CompiledPolicy } from './compile.js';
import { levelRank } from './types.js';

export type SimulationRecord =
  | { type: 'event'; event: AuditEvent; bytes: number; timeUs?: number; line?: number }
  | { type: 'reject'; line: number; reason: string; raw?: string };

export interface Counts {
  events: number;
  bytes: number;
}

export interface RuleOutcome {
  /** 0-based rule index, or null for requests no rule matches (level None). */
  rule: number | null;
  level: Level;
  /** Events this rule decides, with their recorded bytes (every rule is listed, also with 0). */
  matched: Counts;
  /** Emitted at the level the log holds (bytes after managedFields stripping, if any). */
  kept: Counts;
  /** Emitted at another level (bytes after stripping bodies for the new level). */
  releveled: Counts;
  /** Of the re-leveled: raised above the recorded level (bytes are a lower bound). */
  raised: number;
  /** Not emitted (level None or an omitted stage); bytes as recorded. */
  dropped: Counts;
  /** kept + releveled. */
  out: Counts;
}

export interface TopEntry {
  key: string;
  events: number;
  bytes: number;
}

export interface PolicyOutcome {
  label: string;
  rules: RuleOutcome[];
  totals: Omit<RuleOutcome, 'rule' | 'level'>;
  noisiest: { users: TopEntry[]; resources: TopEntry[]; verbs: TopEntry[] };
  /** Projected bytes per day at the log's rate, or null when the log spans less than a second. */
  dailyBytes: number | null;
  /** How many days of this volume fit in the budget, or null without a budget or a rate. */
  daysInBudget: number | null;
}

export interface SimulationReport {
  log: {
    /** Events simulated (inside the time range, when one is given). */
    events: number;
    /** Events read but outside the time range (or without a time while a range is given). */
    outsideRange: number;
    rejects: number;
    bytes: number;
    /** First and last event time (RFC 3339, UTC), or null without events. */
    from: string | null;
    to: string | null;
    spanSeconds: number;
  };
  budgetBytes: number | null;
  candidate: PolicyOutcome;
  baseline?: PolicyOutcome;
}

export interface SimulateOptions {
  policy: CompiledPolicy;
  label?: string;
  baseline?: CompiledPolicy;
  baselineLabel?: string;
  budgetBytes?: number;
  /** Entries in each noisiest list (default 10). */
  top?: number;
  /** Only events whose time is in [from, to) (unix seconds; either end open). */
  timeRange?: { from?: number; to?: number };
}

function zero(): Counts {
  return { events: 0, bytes: 0 };
}

function add(c: Counts, bytes: number): void {
  c.events++;
  c.bytes += bytes;
}

class Accumulator {
  readonly rules = new Map<number | null, RuleOutcome>();
  readonly users = new Map<string, Counts>();
  readonly resources = new Map<string, Counts>();
  readonly verbs = new Map<string, Counts>();

  constructor(
    readonly compiled: CompiledPolicy,
    readonly label: string,
  ) {}

  private ruleOutcome(rule: number | null, level: Level): RuleOutcome {
    let r = this.rules.get(rule);
    if (!r) {
      r = {
        rule,
        level,
        matched: zero(),
        kept: zero(),
        releveled: zero(),
        raised: 0,
        dropped: zero(),
        out: zero(),
      };
      this.rules.set(rule, r);
    }
    return r;
  }

  addEvent(event: AuditEvent, bytes: number, keys: { user: string; resource: string; verb: string }): void {
    const decision = this.compiled.evaluate(attributesFromEvent(event));
    const r = this.ruleOutcome(decision.rule, decision.level);
    add(r.matched, bytes);
    const out = applyDecision(event, decision);
    if (out === null) {
      add(r.dropped, bytes);
      return;
    }
    const outBytes = out === event ? bytes : Math.max(0, bytes - (jsonBytes(event) - jsonBytes(out)));
    const recorded = typeof event.level === 'string' ? levelRank(event.level) : -1;
    const decided = levelRank(decision.level);
    if (recorded === -1 || recorded === decided) add(r.kept, outBytes);
    else {
      add(r.releveled, outBytes);
      if (decided > recorded) r.raised++;
    }
    add(r.out, outBytes);
    for (const [map, key] of [
      [this.users, keys.user],
      [this.resources, keys.resource],
      [this.verbs, keys.verb],
    ] as const) {
      let c = map.get(key);
      if (!c) map.set(key, (c = zero()));
      add(c, outBytes);
    }
  }

  result(top: number, spanSeconds: number, budgetBytes: number | null): PolicyOutcome {
    // Every rule is listed, also those that decided nothing in this log (worth knowing when
    // tuning); the "no rule matched" row only when some event fell through.
    this.compiled.policy.rules.forEach((r, i) => this.ruleOutcome(i, asLevel(r.level)));
    const rules = [...this.rules.values()].sort((a, b) => (a.rule ?? Infinity) - (b.rule ?? Infinity));
    const totals = {
      matched: zero(),
      kept: zero(),
      releveled: zero(),
      raised: 0,
      dropped: zero(),
      out: zero(),
    };
    for (const r of rules) {
      for (const k of ['matched', 'kept', 'releveled', 'dropped', 'out'] as const) {
        totals[k].events += r[k].events;
        totals[k].bytes += r[k].bytes;
      }
      totals.raised += r.raised;
    }
    const topOf = (m: Map<string, Counts>): TopEntry[] =>
      [...m.entries()]
        .map(([key, c]) => ({ key, ...c }))
        .sort((a, b) => b.bytes - a.bytes || b.events - a.events || a.key.localeCompare(b.key))
        .slice(0, top);
    const dailyBytes = spanSeconds >= 1 ? (totals.out.bytes * 86400) / spanSeconds : null;
    const daysInBudget =
      budgetBytes !== null && dailyBytes !== null
        ? dailyBytes === 0
          ? Infinity
          : budgetBytes / dailyBytes
        : null;
    return {
      label: this.label,
      rules,
      totals,
      noisiest: { users: topOf(this.users), resources: topOf(this.resources), verbs: topOf(this.verbs) },
      dailyBytes,
      daysInBudget,
    };
  }
}

function asLevel(level: string): Level {
  return levelRank(level) === -1 ? 'None' : (level as Level);
}

function jsonBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}

/** Grouping keys for the noisiest lists. */
export function noiseKeys(event: AuditEvent): { user: string; resource: string; verb: string } {
  const a = attributesFromEvent(event);
  const user = a.user === null ? '(no user)' : a.user || '(empty name)';
  let resource: string;
  if (a.isResourceRequest) {
    const r = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    resource = a.apiGroup ? `${a.apiGroup}/${r}` : r;
  } else resource = a.path || '(no path)';
  return { user, resource, verb: a.verb || '(no verb)' };
}

function eventTimeUs(record: { event: AuditEvent; timeUs?: number }): number | null {
  if (typeof record.timeUs === 'number') return record.timeUs;
  const e = record.event;
  for (const t of [
    e.stageTimestamp,
    e.metadata?.creationTimestamp,
    e.requestReceivedTimestamp,
    e.timestamp,
  ]) {
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) return ms * 1000;
    }
  }
  return null;
}

/** Replays `records` through the policies. Rejected input is counted, not simulated. */
export async function simulatePolicy(
  records: AsyncIterable<SimulationRecord> | Iterable<SimulationRecord>,
  options: SimulateOptions,
): Promise<SimulationReport> {
  const candidate = new Accumulator(options.policy, options.label ?? 'candidate');
  const baseline = options.baseline
    ? new Accumulator(options.baseline, options.baselineLabel ?? 'baseline')
    : null;
  let events = 0;
  let outsideRange = 0;
  let rejects = 0;
  const fromUs = options.timeRange?.from !== undefined ? options.timeRange.from * 1e6 : -Infinity;
  const toUs = options.timeRange?.to !== undefined ? options.timeRange.to * 1e6 : Infinity;
  const ranged = options.timeRange?.from !== undefined || options.timeRange?.to !== undefined;
  let bytes = 0;
  let minUs = Infinity;
  let maxUs = -Infinity;
  for await (const rec of records) {
    if (rec.type === 'reject') {
      rejects++;
      continue;
    }
    const t = eventTimeUs(rec);
    if (ranged && (t === null || t < fromUs || t >= toUs)) {
      outsideRange++;
      continue;
    }
    events++;
    bytes += rec.bytes;
    if (t !== null) {
      if (t < minUs) minUs = t;
      if (t > maxUs) maxUs = t;
    }
    const keys = noiseKeys(rec.event);
    candidate.addEvent(rec.event, rec.bytes, keys);
    baseline?.addEvent(rec.event, rec.bytes, keys);
  }
  const hasTime = minUs !== Infinity;
  const spanSeconds = hasTime ? (maxUs - minUs) / 1e6 : 0;
  const budget = options.budgetBytes ?? null;
  const top = options.top ?? 10;
  const report: SimulationReport = {
    log: {
      events,
      outsideRange,
      rejects,
      bytes,
      from: hasTime ? new Date(minUs / 1000).toISOString() : null,
      to: hasTime ? new Date(maxUs / 1000).toISOString() : null,
      spanSeconds,
    },
    budgetBytes: budget,
    candidate: candidate.result(top, spanSeconds, budget),
  };
  if (baseline) report.baseline = baseline.result(top, spanSeconds, budget);
  return report;
}
