// Reading only the columns a compiled query uses. The events relation is a view over every daily
// partition with all ~50 columns, and DuckDB binds the whole view for each query: on one partition
// that is ~1 ms of the exec query's 3.5 ms prepare, and it grows with every partition kept (30 by
// default). SQL written by the kaudit compiler names every column as a quoted identifier, so the
// columns it reads are known from its text, and the view can be replaced by a union of just those.
import { ALL_COLUMNS, findColumn } from '../../event/columns.js';
import { EVENTS_RELATION } from '../store.js';

interface Scan {
  /** Catalogue columns named by a quoted identifier, in catalogue order. */
  columns: string[];
  /** Offsets of the bare `kaudit_events` tokens (the relation, not a string or a quoted name). */
  relations: number[];
}

/**
 * Scans SQL as the DuckDB dialect writes it: `'…'` string literals (`''` inside), `"…"` identifiers
 * (`""` inside), and bare words; the dialect writes no comments and no other kind of quoting.
 */
function scan(sql: string): Scan | null {
  const named = new Set<string>();
  const relations: number[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // The closing quote is the first one not doubled.
      let j = sql.indexOf(c, i + 1);
      while (j >= 0 && sql[j + 1] === c) j = sql.indexOf(c, j + 2);
      if (j < 0) return null; // unterminated: not SQL of the dialect
      if (c === '"') {
        const column = findColumn(sql.slice(i + 1, j).replaceAll('""', '"'));
        if (column) named.add(column.name);
      }
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      // A bare name after a dot belongs to a schema or table (`x.kaudit_events`): not the view.
      if (sql.slice(i, j).toLowerCase() === EVENTS_RELATION && sql[i - 1] !== '.') relations.push(i);
      i = j;
      continue;
    }
    i++;
  }
  return { columns: ALL_COLUMNS.map((col) => col.name).filter((name) => named.has(name)), relations };
}

/**
 * Replaces each reference to the events view in compiled SQL by `relation(columns)`, the union of
 * the partitions restricted to the columns the SQL names. Returns the SQL unchanged when it does
 * not read the view or cannot be scanned.
 */
export function narrowEventsRelation(sql: string, relation: (columns: string[]) => string): string {
  const found = scan(sql);
  if (!found || found.relations.length === 0) return sql;
  // `SELECT count(*) FROM kaudit_events` names no column; a relation needs at least one.
  const replacement = `(${relation(found.columns.length ? found.columns : ['__time__'])})`;
  let out = '';
  let last = 0;
  for (const at of found.relations) {
    out += sql.slice(last, at) + replacement;
    last = at + EVENTS_RELATION.length;
  }
  return out + sql.slice(last);
}
