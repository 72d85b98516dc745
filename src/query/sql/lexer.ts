// Tokens of the analytic statement (Presto lexical rules as SLS uses them, sls-query.md §4.1):
// single quotes = string ('' escapes a quote, backslashes are literal), double quotes = identifier
// ("" escapes a quote), identifiers may hold any Unicode letter, comments are whitespace.
import { QueryError } from '../errors.js';

export type TokenKind = 'ident' | 'quotedIdent' | 'string' | 'number' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier text (case kept), string contents, number text, or the operator. */
  text: string;
  /** 0-based offset into the whole query text. */
  pos: number;
  end: number;
}

const OPERATORS = [
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
  '.',
  '[',
  ']',
  ';',
];

// Presto: an identifier starts with a letter or '_' and continues with letters, digits, '_', '@', ':'.
const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_@:]/u;

/**
 * Splits `text` (the SQL part, starting at `offset` in the whole query) into tokens. Throws
 * QueryError with the position on an unterminated string/identifier or an unknown character.
 */
export function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\u3000') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new QueryError('Unterminated comment: a /* comment has no closing */', offset + i);
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new QueryError("Unterminated string literal: add the closing '", offset + start);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value, pos: offset + start, end: offset + i });
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new QueryError('Unterminated quoted identifier: add the closing "', offset + start);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      if (value === '') throw new QueryError('Zero-length delimited identifier not allowed', offset + start);
      tokens.push({ kind: 'quotedIdent', text: value, pos: offset + start, end: offset + i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      while (i < n && /[0-9]/.test(text[i])) i++;
      if (text[i] === '.' && /[0-9]/.test(text[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9]/.test(text[i])) i++;
      } else if (text[i] === '.' && !/[\p{L}_]/u.test(text[i + 1] ?? '')) {
        i++;
      }
      if ((text[i] === 'e' || text[i] === 'E') && /[-+0-9]/.test(text[i + 1] ?? '')) {
        const save = i;
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        if (/[0-9]/.test(text[i] ?? '')) {
          while (i < n && /[0-9]/.test(text[i])) i++;
        } else {
          i = save;
        }
      }
      if (i < n && IDENT_START.test(text[i])) {
        throw new QueryError(
          'identifiers must not start with a digit; surround the identifier with double quotes',
          offset + start,
        );
      }
      tokens.push({ kind: 'number', text: text.slice(start, i), pos: offset + start, end: offset + i });
      continue;
    }
    if (IDENT_START.test(c)) {
      i++;
      while (i < n && IDENT_PART.test(text[i])) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), pos: offset + start, end: offset + i });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({
        kind: 'op',
        text: op === '<>' ? '!=' : op,
        pos: offset + start,
        end: offset + i + op.length,
      });
      i += op.length;
      continue;
    }
    if (c === '|') {
      throw new QueryError(
        "Only one '|' is supported: a query is a search statement, '|', and one SQL statement (further pipeline stages are not supported)",
        offset + start,
      );
    }
    throw new QueryError(`Unexpected character '${c}'`, offset + start);
  }
  tokens.push({ kind: 'eof', text: '', pos: offset + n, end: offset + n });
  return tokens;
}
