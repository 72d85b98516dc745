// Token matching as RE2 regular expressions, shared by the dialects (DuckDB's regexp functions and
// ClickHouse's match() are both RE2): the delimiter classes of sls-query.md §3.1 and the pattern of
// one token, wildcards ranging over non-delimiters.
import type { TokenPattern } from './ast.js';
import { DEFAULT_DELIMITERS } from './tokens.js';

function classEscape(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  return /[\]\\[^-]/.test(ch) ? `\\${ch}` : ch;
}

const DELIM_BODY = [...DEFAULT_DELIMITERS].map(classEscape).join('');
/** RE2 class of one delimiter character. */
export const DELIM = `[${DELIM_BODY}]`;
/** RE2 class of one non-delimiter character. */
export const NON_DELIM = `[^${DELIM_BODY}]`;

/** RE2 for one token pattern (without boundaries): wildcards range over non-delimiters. */
export function tokenRegex(token: TokenPattern): string {
  return token.parts
    .map((p) => (p.kind === 'text' ? escapeRegex(p.text) : p.kind === 'any' ? `${NON_DELIM}*` : NON_DELIM))
    .join('');
}

/** Escapes text for RE2: ASCII punctuation gets a backslash, control characters a hex escape. */
export function escapeRegex(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) out += `\\x{${code.toString(16)}}`;
    else if (code < 0x80 && !/[A-Za-z0-9 ]/.test(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}
