// SLS tokenisation (sls-query.md §3.1): values are split into tokens at delimiter characters and
// matched token by token, case-insensitively. These helpers are shared by the parser (query side)
// and the renderers (which build token-boundary tests over stored text).
import type { TokenPart, TokenPattern } from './ast.js';

/**
 * The SLS default delimiter set, exactly: `, '";=()[]{}?@&<>/:` plus newline, tab, carriage
 * return. `.`, `-`, `_`, `*`, `|`, `#`, backslash and every non-ASCII character are NOT delimiters,
 * so `kube-system`, `worker-1` and `10.0.0.1` are single tokens.
 */
export const DEFAULT_DELIMITERS = ', \'";=()[]{}?@&<>/:\n\t\r';

const DELIMITER_SET = new Set(DEFAULT_DELIMITERS);

export function isDelimiter(ch: string): boolean {
  return DELIMITER_SET.has(ch);
}

/** One character of a query value: literal, or an unquoted `*`/`?` acting as a wildcard. */
export interface ValueChar {
  ch: string;
  wildcard: boolean;
  /** Offset of the character in the whole query text (for error positions). */
  pos: number;
}

/** A token pattern plus where it started in the query text. */
export interface PositionedToken {
  token: TokenPattern;
  pos: number;
}

/**
 * Splits a query value into token patterns. Literal delimiter characters separate tokens; a
 * wildcard `?` is not a delimiter even though a literal `?` is. Text is lower-cased (the default
 * index is case-insensitive). A lone `*` token (e.g. the tail of `system:node:*`) adds no
 * constraint and is dropped; a token that starts with a wildcard is reported to the caller.
 */
export function tokenizeValue(chars: ValueChar[]): PositionedToken[] {
  const out: PositionedToken[] = [];
  let parts: TokenPart[] = [];
  let start = -1;
  const flush = (): void => {
    if (parts.length > 0) out.push({ token: { parts }, pos: start });
    parts = [];
    start = -1;
  };
  for (const c of chars) {
    if (!c.wildcard && isDelimiter(c.ch)) {
      flush();
      continue;
    }
    if (start < 0) start = c.pos;
    if (c.wildcard) {
      parts.push(c.ch === '*' ? { kind: 'any' } : { kind: 'one' });
    } else {
      const text = c.ch.toLowerCase();
      const last = parts[parts.length - 1];
      if (last && last.kind === 'text') last.text += text;
      else parts.push({ kind: 'text', text });
    }
  }
  flush();
  return out.filter((t) => !(t.token.parts.length === 1 && t.token.parts[0].kind === 'any'));
}

/** Splits literal text (no wildcards) into lower-case tokens, e.g. for tests and documentation. */
export function splitTokens(text: string): string[] {
  return tokenizeValue([...text].map((ch, pos) => ({ ch, wildcard: false, pos }))).map((t) =>
    tokenText(t.token),
  );
}

/** True if the pattern has a `*` or `?` wildcard. */
export function hasWildcard(token: TokenPattern): boolean {
  return token.parts.some((p) => p.kind !== 'text');
}

/** The pattern written back in SLS form (`*`/`?` for wildcards), for messages and tests. */
export function tokenText(token: TokenPattern): string {
  return token.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'any' ? '*' : '?')).join('');
}

/** A pattern of literal text only. */
export function literalToken(text: string): TokenPattern {
  return { parts: [{ kind: 'text', text: text.toLowerCase() }] };
}

/** The longest literal run of a pattern: text every match must contain (for cheap prefilters). */
export function longestLiteral(token: TokenPattern): string {
  let best = '';
  for (const p of token.parts) if (p.kind === 'text' && p.text.length > best.length) best = p.text;
  return best;
}
