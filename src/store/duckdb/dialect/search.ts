// DuckDB rendering of the SLS search AST (src/query/search/ast.ts) as one boolean SQL expression
// over the columns of the `kaudit_events` relation (src/event/columns.ts).
//
// Token matching (sls-query.md §3.1) is a token-boundary regular expression (RE2) over lower-cased
// text: `(^|D)token($|D)` where D is the delimiter class. Each token test first runs a plain
// `contains` on the token's longest literal run; it is written as `CASE WHEN contains THEN regexp
// ELSE FALSE END` because DuckDB evaluates a CASE branch only for the rows that reach it, in any
// context (an AND under NOT evaluates all its children on all rows).
//
// Under a `not` every leaf is two-valued (never NULL): a log without the field does not match it, so
// `not leaf` keeps that log, as SLS's "all logs minus X" does (§3.3). Outside any `not` a NULL leaf
// already rejects the row in a WHERE, so the rendering for a filter (`filter: true`) leaves out the
// COALESCE there: DuckDB then evaluates one function less per row (on 1M events the exec query's
// three-term filter took 5.3 ms with COALESCE, 4.9 ms without, 4.2 ms as hand-written equalities).
//
// Low-cardinality columns are split into tokens instead (see renderMatch): DuckDB evaluates that
// once per dictionary entry.
//
// Text sources:
// - full text: `_text`, the Event's decoded key names and values, lower-cased, one per line (ingest
//   builds it; newline is a delimiter so tokens never cross values);
// - text columns: `lower(col)`;
// - JSON columns and paths inside them: the JSON text with escapes that stand for delimiters
//   (`\"`, `\n`, `\r`, `\t`, `\/`) turned into spaces and `\\` into one backslash, so JSON syntax
//   (`{ } [ ] : , "`, all delimiters) separates exactly the decoded key and value tokens. Text
//   holding `\u` escapes is first re-serialised by DuckDB's JSON reader, which writes every
//   character except control characters unescaped (`\u0026` becomes `&`).
import type { FieldRef, SearchNode, TokenPattern } from '../../../query/search/ast.js';
import { findColumn } from '../../../event/columns.js';
import { BLOOM_COLUMNS, tokenBloomMask } from '../../../query/search/bloom.js';
import { hasWildcard, longestLiteral, tokenText } from '../../../query/search/tokens.js';
import { DELIM, escapeRegex, tokenRegex } from '../../../query/search/re2.js';
import { quoteIdent, quoteString } from './quote.js';

export interface SearchRenderOptions {
  /**
   * Test full-text tokens against the per-event token Bloom filter columns (src/query/search/bloom.ts)
   * before scanning `_text`. Default: when the row catalogue has those columns.
   */
  tokenBloom?: boolean;
  /**
   * The expression is a WHERE condition, where NULL and FALSE both reject the row: leaves outside
   * any `not` may then be NULL. Default false (a boolean value that is never NULL).
   */
  filter?: boolean;
}

/** How a leaf is rendered: with Bloom prefilters, and whether it must never be NULL. */
interface Mode {
  bloom: boolean;
  twoValued: boolean;
}

/** A leaf's test, made two-valued (NULL → FALSE) where its mode asks for it. */
function definite(test: string, mode: Mode): string {
  return mode.twoValued ? `COALESCE(${test}, FALSE)` : test;
}

/** Renders a search AST as a DuckDB boolean expression (no leading WHERE). */
export function searchToDuckDb(node: SearchNode, opts: SearchRenderOptions = {}): string {
  const bloom = opts.tokenBloom ?? BLOOM_COLUMNS.every((c) => findColumn(c) !== undefined);
  return render(node, { bloom, twoValued: !opts.filter });
}

function render(node: SearchNode, mode: Mode): string {
  // Below a negation NULL would turn `not x` into NULL and drop the row: every leaf there is definite.
  const negated: Mode = { ...mode, twoValued: true };
  switch (node.type) {
    case 'all':
      return 'TRUE';
    case 'and': {
      // `* and x` is common in SLS queries: drop the always-true side.
      const [l, r] = [render(node.left, mode), render(node.right, mode)];
      return l === 'TRUE' ? r : r === 'TRUE' ? l : `(${l} AND ${r})`;
    }
    case 'or': {
      const [l, r] = [render(node.left, mode), render(node.right, mode)];
      return l === 'TRUE' || r === 'TRUE' ? 'TRUE' : `(${l} OR ${r})`;
    }
    case 'not': {
      const o = render(node.operand, negated);
      return o === 'TRUE' ? 'FALSE' : `(NOT ${o})`;
    }
    case 'minus': {
      const [l, r] = [render(node.left, mode), render(node.right, negated)];
      return r === 'TRUE' ? 'FALSE' : `(${l} AND NOT ${r})`;
    }
    case 'match':
      return renderMatch(node.field, node.tokens, node.phrase, mode);
    case 'exists':
      return `(${fieldValue(node.field)} IS NOT NULL)`;
    case 'empty':
      return renderEmpty(node.field, mode);
    case 'exact':
      return renderExact(node.field, node.value, mode);
    case 'compare':
      return definite(`${numericValue(node.field)} ${node.op} ${sqlNumber(node.value)}`, mode);
    case 'range': {
      const v = numericValue(node.field);
      const lo = `${v} ${node.lowInclusive ? '>=' : '>'} ${sqlNumber(node.low)}`;
      const hi = `${v} ${node.highInclusive ? '<=' : '<'} ${sqlNumber(node.high)}`;
      return definite(`${lo} AND ${hi}`, mode);
    }
  }
}

// ---- leaves ------------------------------------------------------------------------------------

function renderMatch(field: FieldRef | null, tokens: TokenPattern[], phrase: boolean, mode: Mode): string {
  const text = field === null ? quoteIdent('_text') : searchableText(field);
  if (tokens.length === 0) return field === null ? 'TRUE' : `(${text} IS NOT NULL)`;
  // Cheap tests first: Bloom bits (full text, whole tokens only), then a substring per token.
  const raw = field === null ? null : rawJsonColumn(field);
  const prefilter = (t: TokenPattern): string[] => {
    const lit = longestLiteral(t);
    // JSON text holds a token's characters literally unless they are `\` or control characters
    // (DuckDB's JSON writer escapes only those and `"`, a delimiter), so the raw column can be
    // tested without decoding it first.
    const onRaw = raw !== null && ![...lit].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20);
    return [
      ...(mode.bloom && field === null && !hasWildcard(t) ? [bloomTest(t)] : []),
      `contains(${onRaw ? `lower(${raw})` : text}, ${quoteString(lit)})`,
    ];
  };
  if (phrase) {
    const re = tokens.map(tokenRegex).join(`${DELIM}+`);
    return tokenTest(text, tokens.flatMap(prefilter), re, tokens[tokens.length - 1]);
  }
  // A low-cardinality column (verb, stage, objectRef.resource …: dictionary-compressed) is split into
  // its tokens and the list tested: a chain of functions with constant arguments, which DuckDB
  // evaluates once per dictionary entry instead of once per row. On 1M events `verb: create and
  // objectRef.subresource: exec and stage: ResponseStarted` counted in 9.1 ms this way, 8.0 ms with
  // the hand-written equalities, and about twice that with the CASE/regexp form below (an OR or CASE
  // is evaluated per row).
  if (
    !phrase &&
    field?.kind === 'column' &&
    field.type === 'text' &&
    findColumn(field.name)?.lowCardinality &&
    !tokens.some(hasWildcard)
  ) {
    const pieces = `string_split_regex(${text}, ${quoteString(DELIM)})`;
    const wanted = tokens.map((t) => quoteString(tokenText(t)));
    return definite(
      wanted.length === 1
        ? `list_contains(${pieces}, ${wanted[0]})`
        : `list_has_all(${pieces}, [${wanted.join(', ')}])`,
      mode,
    );
  }
  // A text column whose whole value is the token (`verb: get`, `objectRef.resource: secrets`: the
  // common case) matches without the regular expression: one equality instead of a regexp per match
  // (measured on 1M events: 11.4 → 9.5 ms, the baseline's plain equality 7.1 ms).
  const wholeValue =
    field !== null && field.kind !== 'path' && (field.type === 'text' || field.type === 'exact');
  const tests = tokens.map((t) =>
    tokenTest(
      text,
      prefilter(t),
      tokenRegex(t),
      t,
      wholeValue && !hasWildcard(t) ? tokenText(t) : undefined,
      field === null && !hasWildcard(t) ? `"${tokenText(t)}"` : undefined,
    ),
  );
  return tests.length === 1 ? tests[0] : `(${tests.join(' AND ')})`;
}

/** The token's two bits are set in its word of the event's filter (no false negatives). */
function bloomTest(token: TokenPattern): string {
  const { word, mask } = tokenBloomMask(longestLiteral(token));
  const m = `${mask.toString()}::UBIGINT`;
  return `(${quoteIdent(BLOOM_COLUMNS[word])} & ${m}) = ${m}`;
}

/**
 * `CASE WHEN prefilters THEN boundary regexp ELSE FALSE END` — never NULL. With `whole`, a value equal
 * to that (lower-case, wildcard-free) token is a match before any other test.
 */
function tokenTest(
  text: string,
  prefilters: string[],
  body: string,
  last: TokenPattern,
  whole?: string,
  quoted?: string,
): string {
  const tail = last.parts[last.parts.length - 1];
  // A trailing `*` matches the rest of the token, whatever follows: no end boundary needed.
  const end = tail.kind === 'any' ? '' : `(?:$|${DELIM})`;
  const re = `(?:^|${DELIM})${body}${end}`;
  const regexp = `regexp_matches(${text}, ${quoteString(re)})`;
  if (quoted !== undefined) {
    // In the full-text column every `"` is JSON syntax (an escaped quote became a space at ingest)
    // and `"` is a delimiter, so the token between two quotes — a whole value or key, the usual
    // way a token occurs — matches without the regular expression. Counting a user name's events
    // over 10M took 6.98 s with the regexp on every candidate against 6.59 s for the bare substring
    // scan; with this check both take 7.0 s. (The newest-100 page stayed at ~1.6× its baseline.)
    return `(CASE WHEN NOT (${prefilters.join(' AND ')}) THEN FALSE WHEN contains(${text}, ${quoteString(quoted)}) THEN TRUE ELSE ${regexp} END)`;
  }
  const equal = whole !== undefined ? `WHEN ${text} = ${quoteString(whole)} THEN TRUE ` : '';
  return `(CASE ${equal}WHEN ${prefilters.join(' AND ')} THEN ${regexp} ELSE FALSE END)`;
}

function renderEmpty(field: FieldRef, mode: Mode): string {
  if (field.kind === 'path') {
    return definite(
      `json_extract_string(${quoteIdent(field.parent)}, ${quoteString(jsonPath(field.keys))}) = ''`,
      mode,
    );
  }
  if (field.type === 'long') return 'FALSE';
  return definite(`${quoteIdent(field.name)} = ''`, mode);
}

/** Whole-value match, case-insensitive, wildcards over any character (no delimiters here). */
function renderExact(field: FieldRef, value: TokenPattern, mode: Mode): string {
  const text = `lower(${fieldValue(field)})`;
  if (value.parts.every((p) => p.kind === 'text')) {
    return definite(
      `${text} = ${quoteString(value.parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''))}`,
      mode,
    );
  }
  const re =
    '(?s)' +
    value.parts
      .map((p) => (p.kind === 'text' ? escapeRegex(p.text) : p.kind === 'any' ? '.*' : '.'))
      .join('');
  return definite(`regexp_full_match(${text}, ${quoteString(re)})`, mode);
}

// ---- field values ------------------------------------------------------------------------------

/** The field's value as stored: the column, or the JSON sub-tree text for a path. */
function fieldValue(field: FieldRef): string {
  return field.kind === 'path' ? pathJsonText(field) : quoteIdent(field.name);
}

/** Lower-cased text whose tokens are the field's searchable tokens. */
function searchableText(field: FieldRef): string {
  if (field.kind === 'path') return `lower(${jsonTokenText(pathJsonText(field))})`;
  const col = quoteIdent(field.name);
  if (field.type === 'json') {
    return `lower(${jsonTokenText(`(CASE WHEN contains(${col}, '\\u') THEN try(json_extract(${col}, '$'))::VARCHAR ELSE ${col} END)`)})`;
  }
  if (field.type === 'text' || field.type === 'exact') return `lower(${col})`;
  throw new Error(`internal: token search on numeric field ${field.name}`);
}

/** The stored JSON column behind a JSON field or path, or null for text fields. */
function rawJsonColumn(field: FieldRef): string | null {
  if (field.kind === 'path') return quoteIdent(field.parent);
  return field.type === 'json' ? quoteIdent(field.name) : null;
}

/** JSON text with delimiter escapes as spaces and `\\` as a backslash (see the file comment). */
function jsonTokenText(json: string): string {
  // The placeholder is a private-use character: an escaped backslash must not pair with the next
  // character (`\\n` is a backslash and the letter n, not a newline).
  let s = `replace(${json}, '\\\\', '\uE000')`;
  for (const esc of ['\\"', '\\n', '\\r', '\\t', '\\/']) s = `replace(${s}, ${quoteString(esc)}, ' ')`;
  return `replace(${s}, '\uE000', '\\')`;
}

/** The maximum path depth for which array levels are also searched (2^(depth-1) JSON paths). */
const MAX_ARRAY_EXPANSION_DEPTH = 5;

/**
 * JSON text of a path inside a JSON column, or NULL when absent. A path such as
 * `requestObject.spec.containers.image` crosses an array (`containers`): every intermediate key
 * may also be an array whose elements are searched (`$.spec.containers[*].image`).
 */
function pathJsonText(field: Extract<FieldRef, { kind: 'path' }>): string {
  const parent = quoteIdent(field.parent);
  const direct = `json_extract(${parent}, ${quoteString(jsonPath(field.keys))})`;
  const depth = field.keys.length;
  if (depth < 2 || depth > MAX_ARRAY_EXPANSION_DEPTH) return direct;
  const variants: string[] = [direct];
  for (let mask = 1; mask < 1 << (depth - 1); mask++) {
    const path = jsonPath(field.keys, (i) => (mask & (1 << i)) !== 0);
    // Empty when the path is absent: NULL instead, or concat_ws would join the empty strings into
    // separators and the field would seem to exist.
    variants.push(`NULLIF(array_to_string(json_extract(${parent}, ${quoteString(path)}), chr(10)), '')`);
  }
  return `NULLIF(concat_ws(chr(10), ${variants.join(', ')}), '')`;
}

function numericValue(field: FieldRef): string {
  if (field.kind === 'path') {
    return `TRY_CAST(json_extract_string(${quoteIdent(field.parent)}, ${quoteString(jsonPath(field.keys))}) AS DOUBLE)`;
  }
  return quoteIdent(field.name);
}

/** DuckDB JSON path with every key quoted (`$."authorization.k8s.io/reason"`). */
function jsonPath(keys: string[], arrayAfter: (index: number) => boolean = () => false): string {
  return (
    '$' +
    keys
      .map((k, i) => `."${k.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"${arrayAfter(i) ? '[*]' : ''}`)
      .join('')
  );
}

// ---- literals ----------------------------------------------------------------------------------

function sqlNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`internal: non-finite number ${n}`);
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}
