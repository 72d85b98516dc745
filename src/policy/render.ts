// Text renderings of policy results for people (the CLI prints these; JSON output is the objects).
import { formatTable } from '../cli/output.js';
import { formatBytes } from './bytes.js';
import type { LintFinding } from './lint.js';
import type { PolicyWarning } from './load.js';
import type { PolicyOutcome, SimulationReport, TopEntry } from './simulate.js';

export function renderWarning(w: PolicyWarning): string {
  return `warning: ${w.where}: ${w.field}: ${w.message}`;
}

export function renderFindings(findings: LintFinding[], label: string): string {
  if (findings.length === 0) return `${label}: no findings\n`;
  const lines: string[] = [];
  for (const f of findings) {
    const where = f.rule === null ? 'policy' : `rule ${f.rule}`;
    lines.push(`${f.severity} [${f.code}] ${where}: ${f.message}`);
    lines.push(`    why: ${f.why}`);
    lines.push(`    fix: ${f.fix}`);
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  lines.push(
    `${label}: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} note(s)`,
  );
  return lines.join('\n') + '\n';
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)}%`;
}

function days(n: number | null): string {
  if (n === null) return '-';
  if (!Number.isFinite(n)) return 'unlimited';
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

function rulesTable(o: PolicyOutcome): string {
  return formatTable({
    columns: [
      'rule',
      'level',
      'events',
      'kept',
      're-leveled',
      'dropped',
      'bytes in',
      'bytes out',
      'saved',
    ].map((name) => ({ name })),
    rows: o.rules.map((r) => [
      r.rule === null ? 'no match' : String(r.rule),
      r.level,
      r.matched.events,
      r.kept.events,
      r.raised > 0 ? `${r.releveled.events} (${r.raised} raised)` : r.releveled.events,
      r.dropped.events,
      formatBytes(r.matched.bytes),
      formatBytes(r.out.bytes),
      pct(r.matched.bytes - r.out.bytes, r.matched.bytes),
    ]),
  });
}

function topTable(title: string, entries: TopEntry[]): string {
  return formatTable({
    columns: [{ name: title }, { name: 'events' }, { name: 'bytes' }],
    rows: entries.map((e) => [e.key, e.events, formatBytes(e.bytes)]),
  });
}

function outcomeSummary(o: PolicyOutcome, budget: number | null): string[] {
  const t = o.totals;
  const lines = [
    `events kept ${t.out.events} of ${t.matched.events} (${t.kept.events} unchanged, ${t.releveled.events} re-leveled, ${t.dropped.events} dropped)`,
    `bytes ${formatBytes(t.out.bytes)} of ${formatBytes(t.matched.bytes)} (saves ${pct(t.matched.bytes - t.out.bytes, t.matched.bytes)})`,
    `projected ${o.dailyBytes === null ? '- (the log spans less than a second)' : `${formatBytes(o.dailyBytes)}/day`}` +
      (budget !== null ? `; ${days(o.daysInBudget)} days fit in ${formatBytes(budget)}` : ''),
  ];
  if (t.raised > 0) {
    lines.push(
      `note: ${t.raised} event(s) would be logged at a higher level than the log holds; their missing bodies are not counted, so volumes are a lower bound`,
    );
  }
  return lines;
}

export function renderSimulation(r: SimulationReport): string {
  const out: string[] = [];
  const hours = r.log.spanSeconds / 3600;
  out.push(
    `log: ${r.log.events} events, ${formatBytes(r.log.bytes)}` +
      (r.log.from
        ? `, ${r.log.from} → ${r.log.to} (${hours >= 48 ? `${(hours / 24).toFixed(1)} days` : `${hours.toFixed(2)} h`})`
        : '') +
      (r.log.outsideRange ? `, ${r.log.outsideRange} outside the time range` : '') +
      (r.log.rejects ? `, ${r.log.rejects} rejected line(s) not simulated` : ''),
  );
  for (const o of r.baseline ? [r.baseline, r.candidate] : [r.candidate]) {
    out.push('', `== ${o.label} ==`, rulesTable(o).trimEnd(), ...outcomeSummary(o, r.budgetBytes));
  }
  if (r.baseline) {
    const b = r.baseline;
    const c = r.candidate;
    out.push(
      '',
      '== side by side ==',
      formatTable({
        columns: [{ name: '' }, { name: b.label }, { name: c.label }, { name: 'change' }],
        rows: [
          [
            'events kept',
            b.totals.out.events,
            c.totals.out.events,
            signed(c.totals.out.events - b.totals.out.events),
          ],
          [
            'bytes kept',
            formatBytes(b.totals.out.bytes),
            formatBytes(c.totals.out.bytes),
            b.totals.out.bytes === 0
              ? '-'
              : `${signed(((c.totals.out.bytes - b.totals.out.bytes) / b.totals.out.bytes) * 100, 1)}%`,
          ],
          [
            'per day',
            b.dailyBytes === null ? '-' : formatBytes(b.dailyBytes),
            c.dailyBytes === null ? '-' : formatBytes(c.dailyBytes),
            '',
          ],
          ['days in budget', days(b.daysInBudget), days(c.daysInBudget), ''],
        ],
      }).trimEnd(),
    );
  }
  const n = r.candidate.noisiest;
  out.push('', `== noisiest under ${r.candidate.label} ==`);
  out.push(
    topTable('user', n.users).trimEnd(),
    topTable('resource', n.resources).trimEnd(),
    topTable('verb', n.verbs).trimEnd(),
  );
  return out.join('\n') + '\n';
}

function signed(n: number, digits = 0): string {
  const s = n.toFixed(digits);
  return n > 0 ? `+${s}` : s;
}
