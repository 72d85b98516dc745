// The shapes the alerts HTTP API and `kaudit alerts` print (DESIGN.md / docs/alerts.md "HTTP"):
// one module builds them, so the API, the console and the CLI (with or without a server) agree.
import type { Problem, Rule } from './rule.js';
import { effectiveEnabled } from './service.js';
import type { AlertStateStore, RuleState } from './state.js';

export interface RuleSummary {
  id: string;
  name: string;
  severity: Rule['severity'];
  level: Rule['level'];
  enabled: boolean;
  source: Rule['source'];
  description: string;
  schedule: string;
  queries: string[];
  condition: string;
  /** unix seconds of the last evaluation, or null */
  lastRun: number | null;
  state: 'ok' | 'pending' | 'firing' | 'error';
  lastError?: string;
  firing: number;
}

export function ruleStateName(s: RuleState | undefined): RuleSummary['state'] {
  if (!s) return 'ok';
  if (s.lastError) return 'error';
  const groups = Object.values(s.groups);
  if (groups.some((g) => g.firing)) return 'firing';
  if (groups.length) return 'pending';
  return 'ok';
}

export async function ruleSummaries(rules: Rule[], state: AlertStateStore): Promise<RuleSummary[]> {
  const [enabled, states] = await Promise.all([effectiveEnabled(state, rules), state.allStates()]);
  return rules.map((r) => {
    const s = states.get(r.id);
    return {
      id: r.id,
      name: r.name,
      severity: r.severity,
      level: r.level,
      enabled: enabled.get(r.id) ?? r.enabled,
      source: r.source,
      description: r.description,
      schedule: r.schedule.text,
      queries: r.queries,
      condition: r.condition,
      lastRun: s?.lastRun ?? null,
      state: ruleStateName(s),
      ...(s?.lastError ? { lastError: s.lastError } : {}),
      firing: s ? Object.values(s.groups).filter((g) => g.firing).length : 0,
    };
  });
}

/** `file: rule: message` for people. */
export function problemText(p: Problem): string {
  return `${p.severity}: ${p.file}${p.rule ? `: ${p.rule}` : ''}: ${p.message}`;
}
