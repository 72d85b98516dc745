// The alert scheduler inside `kaudit serve`: loads the rules (built-ins + alerts.rulesDir), and
// every second starts the evaluations that are due. One rule's evaluations never overlap (a run
// still going when the next is due makes that one skip); queries stop at alerts.queryTimeout.
// Enable/disable set through the API is read from the store at every tick. At most a few rules
// evaluate at once, so 70 rules due on the same minute do not all query the store together.
import type { Store } from '../store/store.js';
import type { AlertsConfig } from './config.js';
import { evaluateRule, type EngineDeps, type Log } from './engine.js';
import { buildChannels } from './notify/index.js';
import { loadRuleFiles, type Problem, type Rule } from './rule.js';
import { durationSeconds, nextRun, scheduleInterval } from './schedule.js';
import { AlertStateStore } from './state.js';

export interface AlertServiceOptions {
  /** The store (a getter: kaudit serve may recreate it). */
  store: () => Store;
  config: AlertsConfig;
  timezone: string;
  log: Log;
  /** unix seconds */
  now?: () => number;
  tickMs?: number;
  /** Evaluations running at once (the rest wait for the next tick; default 4). */
  maxConcurrent?: number;
  /** Extra rule files or directories (tests). */
  rulePaths?: string[];
  builtins?: boolean;
}

/** The store's document API through a getter, so a recreated store is picked up. */
export function stateStoreOf(store: () => Store): AlertStateStore {
  return new AlertStateStore({
    putDocument: (k, i, v) => store().putDocument(k, i, v),
    getDocument: (k, i) => store().getDocument(k, i),
    listDocuments: (k, o) => store().listDocuments(k, o),
    deleteDocument: (k, i) => store().deleteDocument(k, i),
  });
}

/** Loads the rules a configuration names: the built-ins, then alerts.rulesDir, then `extra`. */
export async function loadConfiguredRules(
  config: AlertsConfig,
  extra: string[] = [],
  builtins = true,
): Promise<{ rules: Rule[]; problems: Problem[] }> {
  return loadRuleFiles([...(config.rulesDir ? [config.rulesDir] : []), ...extra], { builtins });
}

/** Enabled per the store's setting when there is one, else per the rule file. */
export async function effectiveEnabled(state: AlertStateStore, rules: Rule[]): Promise<Map<string, boolean>> {
  const settings = await state.settings();
  return new Map(rules.map((r) => [r.id, settings.get(r.id)?.enabled ?? r.enabled]));
}

export class AlertService {
  rules: Rule[] = [];
  problems: Problem[] = [];
  private readonly state: AlertStateStore;
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private ticking = false;
  private deps!: EngineDeps;

  constructor(private readonly opts: AlertServiceOptions) {
    this.state = stateStoreOf(opts.store);
  }

  private now(): number {
    return Math.floor(this.opts.now ? this.opts.now() : Date.now() / 1000);
  }

  async start(): Promise<void> {
    const { rules, problems } = await loadConfiguredRules(
      this.opts.config,
      this.opts.rulePaths ?? [],
      this.opts.builtins ?? true,
    );
    this.rules = rules;
    this.problems = problems;
    for (const p of problems) {
      this.opts.log(p.severity === 'error' ? 'error' : 'warn', 'alert rule problem', {
        file: p.file,
        rule: p.rule,
        problem: p.message,
      });
    }
    const channels = buildChannels(this.opts.config, this.state);
    for (const [name, reason] of channels.broken) {
      this.opts.log('error', 'alert channel unusable', { channel: name, problem: reason });
    }
    const getStore = this.opts.store;
    this.deps = {
      // The current store on every use (kaudit serve may recreate it; DuckDB or ClickHouse).
      get store() {
        return getStore();
      },
      state: this.state,
      channels,
      timezone: this.opts.timezone,
      queryTimeoutMs: durationSeconds(this.opts.config.queryTimeout, 'alerts.queryTimeout') * 1000,
      log: this.opts.log,
      ...(this.opts.now ? { now: this.opts.now } : {}),
    };
    this.opts.log('info', 'alerts started', { rules: rules.length, problems: problems.length });
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.timer.unref();
    await this.tick();
  }

  /** Starts every enabled rule that is due; returns when they have been started. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.now();
      if (now - this.lastPrune >= 3600) {
        this.lastPrune = now;
        const keep = durationSeconds(this.opts.config.historyRetention, 'alerts.historyRetention');
        const pruned = await this.state.prune(now - keep);
        if (pruned) this.opts.log('info', 'alert history pruned', { entries: pruned });
      }
      const enabled = await effectiveEnabled(this.state, this.rules);
      const states = this.due.size < this.rules.length ? await this.state.allStates() : new Map();
      const ready: { rule: Rule; due: number }[] = [];
      for (const rule of this.rules) {
        if (!enabled.get(rule.id) || this.running.has(rule.id)) continue;
        let due = this.due.get(rule.id);
        if (due === undefined) {
          // After a restart: run at once when the last run is older than one interval (catch up
          // once), else at the next scheduled time.
          const last = states.get(rule.id)?.lastRun ?? null;
          const interval = scheduleInterval(rule.schedule, this.opts.timezone, now);
          due =
            last !== null && now - last >= interval ? now : nextRun(rule.schedule, now, this.opts.timezone);
          this.due.set(rule.id, due);
        }
        if (now >= due) ready.push({ rule, due });
      }
      // The longest-waiting first, so a rule late in the list is not starved by many others.
      ready.sort((a, b) => a.due - b.due);
      for (const { rule } of ready) {
        if (this.running.size >= (this.opts.maxConcurrent ?? 4)) break;
        this.due.set(rule.id, nextRun(rule.schedule, now, this.opts.timezone));
        const run = evaluateRule(rule, this.deps, now)
          .catch((e: unknown) =>
            this.opts.log('error', 'alert evaluation crashed', {
              rule: rule.id,
              error: (e as Error).message,
            }),
          )
          .finally(() => this.running.delete(rule.id));
        this.running.set(rule.id, run);
      }
    } catch (e) {
      this.opts.log('warn', 'alert scheduler tick failed', { error: (e as Error).message });
    } finally {
      this.ticking = false;
    }
  }

  /** Evaluations still running. */
  get busy(): string[] {
    return [...this.running.keys()];
  }

  /** Stops scheduling and waits (at most `waitMs`) for running evaluations. */
  async stop(waitMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const all = Promise.allSettled([...this.running.values()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, waitMs).unref())]);
  }
}
