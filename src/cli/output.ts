// Printing results in the output formats of DESIGN.md ("Output"): an aligned table for people,
// JSON (one array of row objects; integers as numbers, a string beyond 2^53, NULL as null),
// CSV with a header, and NDJSON (one object per line). Shared by every command that prints rows.
import type { Writable } from 'node:stream';
import { zonedDateParts, type OutputFormat } from './flags.js';

export interface TabularResult {
  columns: { name: string; type?: string }[];
  rows: unknown[][];
}

/** Whole events (a search without SQL): printed as JSON objects, or summarised in a table/CSV. */
export interface EventsResult {
  events: Record<string, unknown>[];
}

export type PrintableResult = TabularResult | EventsResult;

/** JSON.stringify that writes bigints (beyond 2^53) as strings, as DESIGN.md asks. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

function rowObjects(r: TabularResult): Record<string, unknown>[] {
  return r.rows.map((row) => {
    const o: Record<string, unknown> = {};
    r.columns.forEach((c, i) => {
      o[c.name] = row[i];
    });
    return o;
  });
}

/** Event fields shown when whole events are printed as a table or CSV. */
const EVENT_SUMMARY: { name: string; path: string[] }[] = [
  { name: '__time__', path: ['__time__'] },
  { name: 'cluster', path: ['cluster'] },
  { name: 'user.username', path: ['user', 'username'] },
  { name: 'verb', path: ['verb'] },
  { name: 'objectRef.resource', path: ['objectRef', 'resource'] },
  { name: 'objectRef.namespace', path: ['objectRef', 'namespace'] },
  { name: 'objectRef.name', path: ['objectRef', 'name'] },
  { name: 'responseStatus.code', path: ['responseStatus', 'code'] },
  { name: 'sourceIPs', path: ['sourceIPs'] },
  { name: 'auditID', path: ['auditID'] },
];

function dig(o: unknown, path: string[]): unknown {
  let cur = o;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur ?? null;
}

/** The summary columns of whole events (table and CSV). */
export function eventsAsTable(r: EventsResult): TabularResult {
  return {
    columns: EVENT_SUMMARY.map((c) => ({ name: c.name })),
    rows: r.events.map((e) => EVENT_SUMMARY.map((c) => dig(e, c.path))),
  };
}

/** A cell as text: strings as they are, objects/arrays as JSON, NULL as empty (table: `NULL`). */
export function cellText(v: unknown, nullText = ''): string {
  if (v === null || v === undefined) return nullText;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return toJson(v);
}

export function csvField(s: string): string {
  return /[",\n\r]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(r: TabularResult): string {
  const lines = [r.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of r.rows) lines.push(row.map((v) => csvField(cellText(v))).join(','));
  return lines.join('\n') + '\n';
}

/** Display width: East Asian wide characters take two columns (Chinese aliases line up). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

const MAX_CELL = 60;

function clip(s: string): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  if (width(flat) <= MAX_CELL) return flat;
  let out = '';
  for (const ch of flat) {
    if (width(out + ch) > MAX_CELL - 1) break;
    out += ch;
  }
  return out + '…';
}

export function formatTable(r: TabularResult): string {
  const header = r.columns.map((c) => clip(c.name));
  const body = r.rows.map((row) => row.map((v) => clip(cellText(v, 'NULL'))));
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((row) => width(row[i] ?? ''))));
  const isNumber = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';
  const numeric = r.columns.map(
    (_, i) =>
      r.rows.some((row) => isNumber(row[i])) && r.rows.every((row) => row[i] === null || isNumber(row[i])),
  );
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i] - width(s)));
    return numeric[i] ? fill + s : s + fill;
  };
  const lines = [header.map(pad).join('  ').trimEnd(), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of body) lines.push(row.map(pad).join('  ').trimEnd());
  lines.push(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`);
  return lines.join('\n') + '\n';
}

export interface PrintOptions {
  /** Zone for showing event times in a table (`__time__` stays unix seconds in JSON and CSV). */
  timezone?: string;
}

/** `YYYY-MM-DD HH:MM:SS` of unix seconds in `tz`. */
export function formatUnixSeconds(seconds: number, tz: string): string {
  const p = zonedDateParts(seconds, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** Writes `result` to `out` in `format`. */
export function printResult(
  result: PrintableResult,
  format: OutputFormat,
  out: Writable = process.stdout,
  opts: PrintOptions = {},
): void {
  const isEvents = 'events' in result;
  switch (format) {
    case 'json':
      out.write(toJson(isEvents ? result.events : rowObjects(result), 2) + '\n');
      return;
    case 'ndjson':
      for (const o of isEvents ? result.events : rowObjects(result)) out.write(toJson(o) + '\n');
      return;
    case 'csv':
      out.write(formatCsv(isEvents ? eventsAsTable(result) : result));
      return;
    case 'table': {
      if (!isEvents) {
        out.write(formatTable(result));
        return;
      }
      // People read times, not unix seconds: the first column becomes the time in the query zone.
      const table = eventsAsTable(result);
      const tz = opts.timezone ?? 'UTC';
      table.columns[0] = { name: 'time' };
      for (const row of table.rows) if (typeof row[0] === 'number') row[0] = formatUnixSeconds(row[0], tz);
      out.write(formatTable(table));
      return;
    }
  }
}
