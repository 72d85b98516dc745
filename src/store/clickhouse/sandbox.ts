// The store's own wall around query text (the query compiler is the first): one SELECT, reading
// only the events relation (or the query's own subqueries and WITH names) — no table functions
// (`url()`, `file()`, `remote()`), no other table (`system.*`, settings, documents). ClickHouse's
// `readonly=2` then refuses writes and DDL on the server (ClickHouseStore.querySql).
//
// It also points `kaudit_events` at the physical table with FINAL on servers that do not push
// predicates into views (18.x): the same rows as the view, but the time and cluster filters use
// the sorting key instead of reading the whole table (measured on 18.16: 8,771 rows read instead
// of 1,000,003 for one second of events).
import { QueryError } from '../../query/errors.js';
import { EVENTS_RELATION } from '../store.js';

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'punct';
  text: string;
  /** Identifier value (unquoted) for words and backquoted/double-quoted names. */
  value: string;
  start: number;
  end: number;
}

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? sql.length : e + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '`' || c === '"') {
      i++;
      let value = '';
      while (i < sql.length && sql[i] !== c) {
        if (sql[i] === '\\' && i + 1 < sql.length) {
          value += sql[i + 1];
          i += 2;
        } else if (sql[i] === c && sql[i + 1] === c) {
          value += c;
          i += 2;
        } else value += sql[i++];
      }
      if (i >= sql.length) throw new QueryError('the query has an unterminated quote');
      i++;
      out.push({ kind: c === "'" ? 'string' : 'quoted', text: sql.slice(start, i), value, start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i])) i++;
      const text = sql.slice(start, i);
      out.push({ kind: 'word', text, value: text, start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9A-Za-z_.]/.test(sql[i])) i++;
      out.push({ kind: 'number', text: sql.slice(start, i), value: '', start, end: i });
      continue;
    }
    i++;
    out.push({ kind: 'punct', text: c, value: c, start, end: i });
  }
  return out;
}

const NOT_AN_ALIAS = new Set(
  (
    'WHERE PREWHERE GROUP ORDER LIMIT HAVING JOIN INNER LEFT RIGHT FULL CROSS ANY ALL ARRAY GLOBAL ' +
    'ASOF SEMI ANTI UNION SETTINGS FORMAT FINAL SAMPLE ON USING WITH INTO'
  ).split(' '),
);

const isName = (t: Token | undefined) => !!t && (t.kind === 'word' || t.kind === 'quoted');

export interface SandboxOptions {
  /**
   * When set, `kaudit_events` is read as `<physical> [AS alias] FINAL` (servers without predicate
   * pushdown into views). A qualified name such as `` `db`.`kaudit_events_local` ``.
   */
  physicalEvents?: string;
}

/** Checks `sql` and returns the text to send; throws QueryError for anything but a plain SELECT. */
export function sandboxQuery(sql: string, opts: SandboxOptions = {}): string {
  const tokens = tokenize(sql);
  const first = tokens[0]?.text.toUpperCase();
  if (first !== 'SELECT' && first !== 'WITH' && first !== '(') {
    throw new QueryError('only a SELECT statement can be run against the store');
  }
  if (tokens.some((t, i) => t.text === ';' && i !== tokens.length - 1)) {
    throw new QueryError('one statement at a time: the query may not contain ";"');
  }
  // WITH names (`name AS (SELECT …)`) may be read like tables.
  const cteNames = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (isName(tokens[i]) && tokens[i + 1].text.toUpperCase() === 'AS' && tokens[i + 2].text === '(') {
      cteNames.add(tokens[i].value.toLowerCase());
    }
  }
  const edits: { at: number; end: number; text: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const kw = tokens[i].kind === 'word' ? tokens[i].text.toUpperCase() : '';
    if (kw !== 'FROM' && kw !== 'JOIN') continue;
    const src = tokens[i + 1];
    if (!src) throw new QueryError(`${kw} without a source`);
    if (src.text === '(') continue; // a subquery: its own FROM is checked in turn
    if (!isName(src)) throw new QueryError(`${kw} must name the events relation`);
    if (tokens[i + 2]?.text === '.') {
      throw new QueryError(
        `the query may read only ${EVENTS_RELATION}, not ${src.value}.${tokens[i + 3]?.value ?? ''}`,
      );
    }
    if (tokens[i + 2]?.text === '(') {
      throw new QueryError(`table functions such as ${src.value}() are not allowed; read ${EVENTS_RELATION}`);
    }
    const name = src.value.toLowerCase();
    if (name === EVENTS_RELATION && !cteNames.has(name)) {
      if (!opts.physicalEvents) continue;
      // Skip an alias ([AS] name), then add FINAL unless the query has it already.
      let j = i + 2;
      if (tokens[j]?.text.toUpperCase() === 'AS') j++;
      if (
        isName(tokens[j]) &&
        !(tokens[j].kind === 'word' && NOT_AN_ALIAS.has(tokens[j].text.toUpperCase()))
      ) {
        j++;
      }
      const hasFinal = tokens[j]?.text.toUpperCase() === 'FINAL';
      const aliasEnd = tokens[j - 1].end;
      edits.push({ at: src.start, end: src.end, text: opts.physicalEvents });
      if (!hasFinal) edits.push({ at: aliasEnd, end: aliasEnd, text: ' FINAL' });
      continue;
    }
    if (!cteNames.has(name)) {
      throw new QueryError(`the query may read only ${EVENTS_RELATION}, not ${src.value}`);
    }
  }
  let out = sql;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}
