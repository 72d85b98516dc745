// Parser of the SLS search statement (sls-query.md §3.2) into the dialect-neutral AST.
//
// Grammar, loosest first (documented precedence `and` > `not` > `or`, §9 U-1):
//   orExpr    = minusExpr { OR minusExpr }
//   minusExpr = andExpr { NOT andExpr }            binary not: left minus right
//   andExpr   = unary { [AND] unary }              juxtaposition is and
//   unary     = NOT unary | primary                unary not: all logs minus operand
//   primary   = "(" orExpr ")" | condition | term
// Scannerless: what a character means depends on where it is (a `:` separates key and value, but
// inside a value it is just a delimiter), so the parser reads characters directly.
import { QueryError } from '../errors.js';
import type { CompareOp, FieldRef, SearchNode, TokenPattern } from './ast.js';
import { resolveSearchField } from './fields.js';
import { literalToken, tokenizeValue, type PositionedToken, type ValueChar } from './tokens.js';

const KEYWORDS = new Set(['and', 'or', 'not']);
/** Characters that end a key (or a full-text word, which may turn out to be a key). */
const KEY_STOP = new Set([' ', '\t', '\n', '\r', '(', ')', '"', ':', '<', '>', '=']);
/** Characters that end an unquoted value: `:`, `<`, `>`, `=` are ordinary (delimiter) characters there. */
const VALUE_STOP = new Set([' ', '\t', '\n', '\r', '(', ')', '"']);
/** Characters a backslash escapes outside quotes (`\"`, `\\`, `\|`, and parentheses). */
const BARE_ESCAPES = new Set(['"', '\\', '|', '(', ')']);
/** Characters a backslash escapes inside quotes (sls-query.md §3.5: `\"`, plus `\\` and `\|`). */
const QUOTED_ESCAPES = new Set(['"', '\\', '|']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function isWs(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** An unquoted run of characters, with escapes resolved and `*`/`?` marked as wildcards. */
interface Bare {
  chars: ValueChar[];
  /** The characters as written (escapes resolved), for keys and messages. */
  text: string;
  pos: number;
}

/** A double-quoted string: its content, literal (wildcards and operators have no meaning). */
interface Quoted {
  chars: ValueChar[];
  text: string;
  pos: number;
}

class SearchParser {
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly offset: number,
  ) {}

  parse(): SearchNode {
    this.skipWs();
    if (this.atEnd()) return { type: 'all' };
    const node = this.parseOr();
    this.skipWs();
    if (!this.atEnd()) {
      if (this.peek() === ')') throw this.error(`Unmatched ')'; remove it or add the '(' it closes`);
      throw this.error(`Unexpected '${this.peek()}'`);
    }
    return node;
  }

  // ---- expressions -------------------------------------------------------------------------

  private parseOr(): SearchNode {
    let left = this.parseMinus();
    while (this.peekKeyword() === 'or') {
      this.consumeKeyword();
      left = { type: 'or', left, right: this.parseMinus() };
    }
    return left;
  }

  private parseMinus(): SearchNode {
    let left = this.parseAnd();
    while (this.peekKeyword() === 'not') {
      this.consumeKeyword();
      left = { type: 'minus', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): SearchNode {
    let left = this.parseUnary();
    for (;;) {
      const kw = this.peekKeyword();
      if (kw === 'and') {
        this.consumeKeyword();
        left = { type: 'and', left, right: this.parseUnary() };
      } else if (kw === null && !this.atEnd() && this.peek() !== ')') {
        left = { type: 'and', left, right: this.parseUnary() };
      } else {
        return left;
      }
    }
  }

  private parseUnary(): SearchNode {
    if (this.peekKeyword() === 'not') {
      this.consumeKeyword();
      return { type: 'not', operand: this.parseUnary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): SearchNode {
    this.skipWs();
    if (this.atEnd())
      throw this.error(
        'The search ends where a search term was expected; complete or remove the last operator',
      );
    const ch = this.peek();
    const kw = this.peekKeyword();
    if (kw === 'and' || kw === 'or') {
      throw this.error(
        `'${this.src.substr(this.i, kw.length)}' needs a search term before it; to search for the word itself, quote it: "${kw}"`,
      );
    }
    if (ch === '(') {
      const open = this.i;
      this.i++;
      this.skipWs();
      if (this.peek() === ')')
        throw this.error('Empty parentheses; put a search condition inside them or remove them');
      const inner = this.parseOr();
      this.skipWs();
      if (this.peek() !== ')')
        throw this.error(`Missing ')' to close the '(' at position ${this.offset + open}`, this.i);
      this.i++;
      return inner;
    }
    if (ch === ')') throw this.error(`Unexpected ')'; a search term was expected here`);
    if (ch === '#' && this.src[this.i + 1] === '"') {
      this.i++;
      const q = this.readQuoted();
      return { type: 'match', field: null, tokens: this.checkTokens(tokenizeValue(q.chars)), phrase: true };
    }
    if (ch === '"') {
      const q = this.readQuoted();
      const afterKey = this.i;
      this.skipWs();
      if (this.peek() === ':' || this.peekCompareOp()) return this.parseCondition(q.text, q.pos);
      this.i = afterKey;
      return {
        type: 'match',
        field: null,
        tokens: tokenizeValue(q.chars).map((t) => t.token),
        phrase: false,
      };
    }
    const word = this.readBare(KEY_STOP);
    if (word.text === '')
      throw this.error(`Unexpected '${ch}'; a search term or a field name was expected here`);
    // `__tag__:NAME` is one key (sls-query.md §3.2): the first colon belongs to the name.
    let key = word.text;
    if (key.toLowerCase() === '__tag__' && this.peek() === ':' && !isWs(this.src[this.i + 1])) {
      this.i++;
      const name = this.readBare(KEY_STOP);
      key = `${key}:${name.text}`;
      const save = this.i;
      const range = this.peekRange();
      this.skipWs();
      if (this.peek() !== ':' && !this.peekCompareOp() && !range) {
        this.i = save;
        throw this.error(`Expected ':' or a comparison after '${key}'`, save);
      }
      this.i = save;
    }
    const afterWord = this.i;
    this.skipWs();
    if (this.peek() === ':' || this.peekCompareOp()) return this.parseCondition(key, word.pos);
    this.i = afterWord;
    const range = this.peekRange();
    if (range) return this.parseRange(key, word.pos);
    // A full-text word; `*` alone (or a word of delimiters only) constrains nothing.
    const tokens = this.checkTokens(tokenizeValue(word.chars));
    return tokens.length === 0 ? { type: 'all' } : { type: 'match', field: null, tokens, phrase: false };
  }

  // ---- conditions ----------------------------------------------------------------------------

  /** At `:` or a comparison operator after `key`. */
  private parseCondition(key: string, keyPos: number): SearchNode {
    const field = resolveSearchField(key, this.offset + keyPos);
    const op = this.peekCompareOp();
    if (op) {
      this.i += op.length;
      return this.parseComparison(key, keyPos, field, op);
    }
    this.i++; // ':'
    this.skipWs();
    if (this.atEnd() || this.peek() === ')') {
      throw this.error(
        `'${key}:' needs a value; write ${key}:VALUE, ${key}:* (field present) or ${key}:"" (empty)`,
      );
    }
    const ch = this.peek();
    if (ch === '#' && this.src[this.i + 1] === '"') {
      this.i++;
      const q = this.readQuoted();
      if (field.kind === 'column' && field.type === 'long') {
        throw this.error(`'${key}' is numeric; a phrase cannot be searched in it`, q.pos);
      }
      if (field.kind === 'column' && field.type === 'exact')
        return { type: 'exact', field, value: literalToken(q.text) };
      return { type: 'match', field, tokens: this.checkTokens(tokenizeValue(q.chars)), phrase: true };
    }
    if (ch === '"') {
      const q = this.readQuoted();
      if (q.text === '') return { type: 'empty', field };
      return this.valueCondition(key, field, q.chars, q.text, q.pos, true);
    }
    if (ch === '*' && this.isBoundary(this.i + 1)) {
      this.i++;
      return { type: 'exists', field };
    }
    const value = this.readBare(VALUE_STOP);
    if (KEYWORDS.has(value.text.toLowerCase())) {
      throw this.error(
        `'${value.text}' is an operator; to search for the word, quote it: ${key}:"${value.text}"`,
        value.pos,
      );
    }
    return this.valueCondition(key, field, value.chars, value.text, value.pos, false);
  }

  /** `key:value` for a non-empty value. */
  private valueCondition(
    key: string,
    field: FieldRef,
    chars: ValueChar[],
    text: string,
    pos: number,
    quoted: boolean,
  ): SearchNode {
    if (field.kind === 'column' && field.type === 'long') {
      if (!NUMBER.test(text.trim())) {
        throw this.error(
          `'${key}' is numeric and '${text}' is not a number; use a number, a comparison (${key} >= 400) or a range (${key} in [400 499])`,
          pos,
        );
      }
      return { type: 'compare', field, op: '=', value: Number(text.trim()) };
    }
    if (field.kind === 'column' && field.type === 'exact') {
      if (!quoted && chars[0]?.wildcard) throw this.wildcardAtStart(pos);
      const parts: TokenPattern['parts'] = [];
      for (const c of chars) {
        const last = parts[parts.length - 1];
        if (c.wildcard) parts.push(c.ch === '*' ? { kind: 'any' } : { kind: 'one' });
        else if (last && last.kind === 'text') last.text += c.ch.toLowerCase();
        else parts.push({ kind: 'text', text: c.ch.toLowerCase() });
      }
      return { type: 'exact', field, value: { parts } };
    }
    return { type: 'match', field, tokens: this.checkTokens(tokenizeValue(chars)), phrase: false };
  }

  /** After `key OP`: a number; on a text field, SLS's full-text fallback (§3.3). */
  private parseComparison(key: string, keyPos: number, field: FieldRef, op: CompareOp): SearchNode {
    this.skipWs();
    if (this.atEnd() || this.peek() === ')') throw this.error(`'${key} ${op}' needs a number after it`);
    const value = this.peek() === '"' ? this.readQuoted() : this.readBare(VALUE_STOP);
    const numeric = field.kind === 'path' || field.type === 'long';
    if (NUMBER.test(value.text) && numeric) return { type: 'compare', field, op, value: Number(value.text) };
    if (numeric) {
      throw this.error(`'${key} ${op}' needs a number, not '${value.text}'`, value.pos);
    }
    // sls-query.md §3.3: a comparison on a text field is not an error; SLS searches the words
    // instead. `>`, `<`, `=` are delimiters, so that is the key's tokens and the value's tokens.
    return this.fullTextFallback(key, keyPos, value.chars);
  }

  /** True (and returns the bracket) if `in [`/`in (` follows: a numeric range. */
  private peekRange(): string | null {
    const m = /\s+in\s*([[(])/y;
    m.lastIndex = this.i;
    const r = m.exec(this.src);
    if (!r) return null;
    if (r[1] === '(') {
      // `(` also opens a group (`foo in (a or b)`): only two numbers make it a range.
      const full = /\s+in\s*\(\s*(\S+?)\s+(\S+?)\s*[\])]/y;
      full.lastIndex = this.i;
      const f = full.exec(this.src);
      if (!f || !NUMBER.test(f[1]) || !NUMBER.test(f[2])) return null;
    }
    return r[1];
  }

  private parseRange(key: string, keyPos: number): SearchNode {
    const field = resolveSearchField(key, this.offset + keyPos);
    const head = /\s+in\s*([[(])/y;
    head.lastIndex = this.i;
    const h = head.exec(this.src)!;
    const openPos = this.i + h[0].length - 1;
    this.i += h[0].length;
    const body = /\s*([^\s\])]+)\s+([^\s\])]+)\s*([\])])/dy;
    body.lastIndex = this.i;
    const b = body.exec(this.src);
    if (!b || !b.indices) {
      throw this.error(
        `Malformed range after '${key} in'; write ${key} in [LOW HIGH] (']'/')' closed/open)`,
        openPos,
      );
    }
    this.i = b.indices[0][1];
    const bounds = [
      { text: b[1], at: b.indices[1]![0] },
      { text: b[2], at: b.indices[2]![0] },
    ];
    if (field.kind === 'path' || field.type === 'long') {
      for (const { text, at } of bounds) {
        if (!NUMBER.test(text)) throw this.error(`Range bound '${text}' of '${key}' is not a number`, at);
      }
      return {
        type: 'range',
        field,
        low: Number(b[1]),
        high: Number(b[2]),
        lowInclusive: h[1] === '[',
        highInclusive: b[3] === ']',
      };
    }
    // On a text field SLS falls back to full text (§3.3): the key's and the bounds' tokens.
    const chars: ValueChar[] = [];
    for (const { text, at } of bounds) {
      [...text].forEach((ch, k) => chars.push({ ch, wildcard: false, pos: this.offset + at + k }));
      chars.push({ ch: ' ', wildcard: false, pos: -1 });
    }
    return this.fullTextFallback(key, keyPos, chars);
  }

  private fullTextFallback(key: string, keyPos: number, valueChars: ValueChar[]): SearchNode {
    const keyChars: ValueChar[] = [...key].map((ch, k) => ({
      ch,
      wildcard: false,
      pos: this.offset + keyPos + k,
    }));
    const tokens = tokenizeValue([...keyChars, { ch: ' ', wildcard: false, pos: -1 }, ...valueChars]);
    return { type: 'match', field: null, tokens: this.checkTokens(tokens), phrase: false };
  }

  /** Wildcards may be inside or at the end of a word, never at its start (sls-query.md §3.4). */
  private checkTokens(tokens: PositionedToken[]): TokenPattern[] {
    for (const t of tokens)
      if (t.token.parts[0].kind !== 'text') throw this.wildcardAtStart(t.pos - this.offset);
    return tokens.map((t) => t.token);
  }

  private wildcardAtStart(pos: number): QueryError {
    return this.error(
      "A word cannot start with a wildcard ('*' or '?'); SLS supports only prefix and infix wildcards such as kube-*",
      pos,
    );
  }

  // ---- scanning ------------------------------------------------------------------------------

  private readBare(stop: Set<string>): Bare {
    const pos = this.i;
    const chars: ValueChar[] = [];
    let text = '';
    while (!this.atEnd() && !stop.has(this.src[this.i])) {
      let ch = this.src[this.i];
      let wildcard = ch === '*' || ch === '?';
      if (ch === '\\' && BARE_ESCAPES.has(this.src[this.i + 1] ?? '')) {
        ch = this.src[this.i + 1];
        wildcard = false;
        this.i++;
      }
      chars.push({ ch, wildcard, pos: this.offset + this.i });
      text += ch;
      this.i++;
    }
    // Astral characters are two UTF-16 units here; join them back so they are not split.
    return { chars: joinSurrogates(chars), text, pos };
  }

  private readQuoted(): Quoted {
    const pos = this.i;
    this.i++; // opening quote
    const chars: ValueChar[] = [];
    let text = '';
    for (;;) {
      if (this.atEnd()) throw this.error(`Unterminated quoted string; close it with '"'`, pos);
      let ch = this.src[this.i];
      if (ch === '"') break;
      if (ch === '\\' && QUOTED_ESCAPES.has(this.src[this.i + 1] ?? '')) {
        ch = this.src[this.i + 1];
        this.i++;
      }
      chars.push({ ch, wildcard: false, pos: this.offset + this.i });
      text += ch;
      this.i++;
    }
    this.i++; // closing quote
    return { chars: joinSurrogates(chars), text, pos };
  }

  private peekCompareOp(): CompareOp | null {
    const two = this.src.substr(this.i, 2);
    if (two === '>=' || two === '<=') return two;
    const one = this.peek();
    return one === '>' || one === '<' || one === '=' ? one : null;
  }

  /** The keyword at the next non-blank position, if it is a whole word. */
  private peekKeyword(): 'and' | 'or' | 'not' | null {
    this.skipWs();
    const m = /(and|or|not)(?=$|[\s()"])/iy;
    m.lastIndex = this.i;
    const r = m.exec(this.src);
    return r ? (r[1].toLowerCase() as 'and' | 'or' | 'not') : null;
  }

  private consumeKeyword(): void {
    const kw = this.peekKeyword();
    if (kw) this.i += kw.length;
  }

  private isBoundary(at: number): boolean {
    return at >= this.src.length || isWs(this.src[at]) || this.src[at] === ')';
  }

  private skipWs(): void {
    while (isWs(this.src[this.i])) this.i++;
  }

  private atEnd(): boolean {
    return this.i >= this.src.length;
  }

  private peek(): string {
    return this.src[this.i];
  }

  private error(message: string, at: number = this.i): QueryError {
    // The position travels in the error (the CLI draws a caret under it), not in the text.
    return new QueryError(message, this.offset + at);
  }
}

function joinSurrogates(chars: ValueChar[]): ValueChar[] {
  const out: ValueChar[] = [];
  for (const c of chars) {
    const prev = out[out.length - 1];
    const code = c.ch.charCodeAt(0);
    if (prev && code >= 0xdc00 && code <= 0xdfff && prev.ch.length === 1) {
      const p = prev.ch.charCodeAt(0);
      if (p >= 0xd800 && p <= 0xdbff) {
        prev.ch += c.ch;
        continue;
      }
    }
    out.push({ ...c });
  }
  return out;
}

/**
 * Parses an SLS search statement. `offset` is where the statement starts in the whole query text,
 * so error positions point into the text the user wrote. Throws QueryError.
 */
export function parseSearch(text: string, offset = 0): SearchNode {
  return new SearchParser(text, offset).parse();
}
