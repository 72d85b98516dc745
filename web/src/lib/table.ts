// Tabular results in the console: the columns/rows shape shared by report panels and SQL results,
// sorting, CSV/JSON export, and flattening raw events for export.

export type Row = Record<string, unknown>;

export interface Table {
  columns: string[];
  rows: Row[];
}

/** `/api/v1/query` answers rows as arrays; panels and exports use objects keyed by column name. */
export function fromQueryResult(columns: { name: string }[], rows: unknown[][]): Table {
  const names = columns.map((c) => c.name);
  return { columns: names, rows: rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))) };
}

/** A cell as text: objects and arrays as JSON, NULL as empty. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Rows ordered by one column: numbers numerically, text by locale; NULLs last in both directions. */
export function sortRows(rows: Row[], column: string, direction: 'asc' | 'desc'): Row[] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const x = a.row[column];
      const y = b.row[column];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull || yNull) return xNull === yNull ? a.index - b.index : xNull ? 1 : -1;
      const nx = asNumber(x);
      const ny = asNumber(y);
      const c =
        nx !== null && ny !== null
          ? nx - ny
          : cellText(x).localeCompare(cellText(y), undefined, { numeric: true });
      return c === 0 ? a.index - b.index : sign * c;
    })
    .map((e) => e.row);
}

/** RFC 4180 CSV: every field quoted when it holds a comma, quote, CR or LF; lines end in CRLF. */
export function toCsv(table: Table): string {
  const field = (v: unknown) => {
    const s = cellText(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [table.columns.map(field).join(',')];
  for (const r of table.rows) lines.push(table.columns.map((c) => field(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** JSON export: one array of row objects keyed by column name (the shape of `--format json`). */
export function toJson(table: Table): string {
  return JSON.stringify(
    table.rows.map((r) => Object.fromEntries(table.columns.map((c) => [c, r[c] ?? null]))),
    null,
    2,
  );
}

/**
 * Events as a table for CSV: one column per dotted leaf path (`user.username`, `objectRef.name`),
 * arrays and the request/response bodies kept as JSON text, columns in first-seen order.
 */
export function eventsTable(events: Row[]): Table {
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows = events.map((ev) => {
    const flat: Row = {};
    const walk = (value: unknown, path: string) => {
      const opaque = path === 'requestObject' || path === 'responseObject';
      if (value && typeof value === 'object' && !Array.isArray(value) && !opaque) {
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
        return;
      }
      flat[path] = value;
      if (!seen.has(path)) {
        seen.add(path);
        columns.push(path);
      }
    };
    walk(ev, '');
    return flat;
  });
  return { columns, rows };
}

/** Starts a browser download of `text`. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
