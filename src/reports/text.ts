// A report as text for a terminal: each panel under its title; a single-value stat panel on one
// line, everything else as an aligned table (src/cli/output.ts), a failed panel with its error.
import { cellText, formatTable } from '../cli/output.js';
import type { PanelResult } from './model.js';

export interface ReportHeading {
  title: string;
  /** e.g. `2026-11-20 00:00:00 – 2026-11-21 00:00:00 UTC` */
  range: string;
  filters: string[];
}

/** Panels as returned by the runner or the HTTP API (where `tab` may be absent). */
export type PrintablePanel = Omit<PanelResult, 'tab'> & { tab?: string };

export function formatReportText(heading: ReportHeading, panels: PrintablePanel[]): string {
  const out: string[] = [];
  const filters = heading.filters.length ? '; ' + heading.filters.join(', ') : '';
  out.push(`${heading.title}  (${heading.range}${filters})`, '');
  // A report run over several tabs (mesh) shows where each tab begins.
  const multiTab = new Set(panels.map((p) => p.tab)).size > 1;
  let tab: string | undefined;
  for (const p of panels) {
    if (multiTab && p.tab !== tab) out.push(`#### ${p.tab ?? ''}`, '');
    tab = p.tab;
    if (p.error) {
      out.push(`== ${p.title} ==`, `error: ${p.error}`, '');
      continue;
    }
    if (p.chart === 'stat' && p.rows.length === 1 && p.columns.length === 1) {
      out.push(`${p.title}: ${cellText(p.rows[0][p.columns[0]], 'no data')}`, '');
      continue;
    }
    out.push(`== ${p.title} ==`);
    if (p.rows.length === 0) {
      out.push('(no data)', '');
      continue;
    }
    out.push(
      formatTable({
        columns: p.columns.map((name) => ({ name })),
        rows: p.rows.map((r) => p.columns.map((c) => r[c])),
      }),
    );
  }
  return out.join('\n').trimEnd() + '\n';
}
