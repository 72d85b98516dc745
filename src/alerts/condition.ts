// The SLS alert condition language (sls-query.md §5.2): a boolean expression evaluated per result
// row, or per combination of rows when a rule has several queries (`$0.x`, `$1.x`, `$2.x`).
//
// Typing follows the SLS documentation: a comparison with a string literal compares text; otherwise
// it is numeric when both sides convert to numbers and textual when they do not. Arithmetic needs
// numbers. `=~`/`!~` are partial (RE2 `MatchString`) matches. Only a boolean `true` fires, so
// `100+100` parses but never fires. A column missing from the result reads as the empty string
// (§9 U-4, so the ACK examples' `操作事件 =~ ".*"` fires on every row); `lintCondition` warns about it.
// `__count__` (SLS v2's row count, e.g. `__count__ > 3`) is the number of rows of the query unless
// the query returns a column of that name.

export class ConditionError extends Error {
  constructor(
    message: string,
    /** Offset in the condition text (0-based). */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

export type ConditionNode =
  | { type: 'number'; value: number; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'var'; query: number; name: string; pos: number }
  | { type: 'contains'; haystack: ConditionNode; needle: ConditionNode; pos: number }
  | { type: 'not'; operand: ConditionNode; pos: number }
  | { type: 'logic'; op: '&&' | '||'; left: ConditionNode; right: ConditionNode; pos: number }
  | { type: 'compare'; op: CompareOp; left: ConditionNode; right: ConditionNode; pos: number; regex?: RegExp }
  | {
      type: 'arith';
      op: '+' | '-' | '*' | '/' | '%';
      left: ConditionNode;
      right: ConditionNode;
      pos: number;
    };

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | '=~' | '!~';

/** A parsed condition; `evaluate` answers whether one row (combination) fires. */
export interface Condition {
  text: string;
  /** undefined for the empty condition (fires whenever there are rows). */
  root?: ConditionNode;
  /** Variables it reads, as `{query, name}`. */
  variables: { query: number; name: string }[];
  /** False when the expression can never be a boolean (e.g. `100+100`): it never fires. */
  boolean: boolean;
}

// ---------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { kind: 'num'; value: number; pos: number; end: number }
  | { kind: 'str'; value: string; pos: number; end: number }
  | { kind: 'name'; value: string; pos: number; end: number; bracketed: boolean }
  | { kind: 'op'; value: string; pos: number; end: number }
  | { kind: 'eof'; pos: number; end: number };

const OPERATORS = [
  '==',
  '!=',
  '>=',
  '<=',
  '=~',
  '!~',
  '&&',
  '||',
  '>',
  '<',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
];

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_.]/u;

function lex(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      i += m[0].length;
      if (i < text.length && NAME_PART.test(text[i])) {
        throw new ConditionError(
          `"${text.slice(start, i + 1)}…" at position ${start + 1} is neither a number nor a name; a column name that starts with a digit goes in brackets, e.g. [${m[0]}${text[i]}…]`,
          start,
        );
      }
      out.push({ kind: 'num', value: Number(m[0]), pos: start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new ConditionError(
            `the string starting at position ${start + 1} is not closed; add ${c}`,
            start,
          );
        }
        const d = text[i];
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length) {
          const e = text[i + 1];
          // Backslashes are doubled in literals (`"\\w+"` is the pattern \w+); a quote is escaped.
          if (e === '\\' || e === '"' || e === "'") {
            value += e;
            i += 2;
            continue;
          }
        }
        value += d;
        i++;
      }
      out.push({ kind: 'str', value, pos: start, end: i });
      continue;
    }
    if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) {
        throw new ConditionError(`the bracketed name at position ${start + 1} is not closed; add ]`, start);
      }
      const name = text.slice(i + 1, close);
      if (name === '')
        throw new ConditionError(`empty brackets [] at position ${start + 1}; name a column`, start);
      i = close + 1;
      out.push({ kind: 'name', value: name, pos: start, end: i, bracketed: true });
      continue;
    }
    if (c === '$') {
      const m = /^\$(\d)\./.exec(text.slice(i));
      if (!m) {
        throw new ConditionError(
          `"$" at position ${start + 1} must start a query reference such as $0.field, $1.field or $2.field`,
          start,
        );
      }
      i += m[0].length;
      const nameTok = lexName(text, i);
      if (!nameTok) {
        throw new ConditionError(`a column name must follow "${m[0]}" at position ${i + 1}`, i);
      }
      i = nameTok.end;
      out.push({
        kind: 'name',
        value: `$${m[1]}.${nameTok.value}`,
        pos: start,
        end: i,
        bracketed: nameTok.bracketed,
      });
      continue;
    }
    const named = lexName(text, i);
    if (named) {
      i = named.end;
      out.push({ kind: 'name', value: named.value, pos: start, end: i, bracketed: named.bracketed });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      out.push({ kind: 'op', value: op, pos: start, end: i });
      continue;
    }
    if (c === '=') {
      throw new ConditionError(`"=" at position ${start + 1} is not an operator; compare with ==`, start);
    }
    if (c === '&' || c === '|') {
      throw new ConditionError(`"${c}" at position ${start + 1} is not an operator; write ${c}${c}`, start);
    }
    throw new ConditionError(`unexpected character "${c}" at position ${start + 1}`, start);
  }
  out.push({ kind: 'eof', pos: text.length, end: text.length });
  return out;
}

/** A plain name (Unicode letters, digits, `_`, `.`, backslash-escaped characters) or `[odd name]`. */
function lexName(text: string, i: number): { value: string; end: number; bracketed: boolean } | null {
  if (text[i] === '[') {
    const close = text.indexOf(']', i + 1);
    if (close < 0 || close === i + 1) return null;
    return { value: text.slice(i + 1, close), end: close + 1, bracketed: true };
  }
  const first = text.codePointAt(i);
  if (first === undefined) return null;
  const ch = String.fromCodePoint(first);
  if (!NAME_START.test(ch) && ch !== '\\') return null;
  let value = '';
  let j = i;
  while (j < text.length) {
    const cp = text.codePointAt(j)!;
    const c = String.fromCodePoint(cp);
    if (c === '\\' && j + 1 < text.length) {
      // `平均响应时间\(s\)`: a backslash makes the next character part of the name.
      const nx = String.fromCodePoint(text.codePointAt(j + 1)!);
      value += nx;
      j += 1 + nx.length;
      continue;
    }
    if (!NAME_PART.test(c)) break;
    value += c;
    j += c.length;
  }
  return value ? { value, end: j, bracketed: false } : null;
}

// ---------------------------------------------------------------------------------------------
// Parser

type StaticType = 'bool' | 'num' | 'str' | 'any';

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === v;
  }
  private expectOp(v: string, what: string): Token {
    const t = this.peek();
    if (t.kind === 'op' && t.value === v) return this.next();
    throw new ConditionError(`expected "${v}" ${what} at position ${t.pos + 1}, found ${describe(t)}`, t.pos);
  }

  parse(): ConditionNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (t.kind === 'name') {
        const prev = this.tokens[this.i - 1];
        const joined = this.text.slice(prev.pos, t.end);
        throw new ConditionError(
          `expected an operator at position ${t.pos + 1}, found the name "${t.value}"; a column name with spaces goes in brackets, e.g. [${joined}]`,
          t.pos,
        );
      }
      throw new ConditionError(`unexpected ${describe(t)} at position ${t.pos + 1}`, t.pos);
    }
    return node;
  }

  private or(): ConditionNode {
    let left = this.and();
    while (this.isOp('||')) {
      const op = this.next();
      const right = this.and();
      requireBool(left, '||');
      requireBool(right, '||');
      left = { type: 'logic', op: '||', left, right, pos: op.pos };
    }
    return left;
  }

  private and(): ConditionNode {
    let left = this.not();
    while (this.isOp('&&')) {
      const op = this.next();
      const right = this.not();
      requireBool(left, '&&');
      requireBool(right, '&&');
      left = { type: 'logic', op: '&&', left, right, pos: op.pos };
    }
    return left;
  }

  private not(): ConditionNode {
    if (this.isOp('!')) {
      const bang = this.next();
      if (!this.isOp('(')) {
        throw new ConditionError(
          `"!" at position ${bang.pos + 1} applies only to a parenthesised condition; write !(…)`,
          bang.pos,
        );
      }
      this.next();
      const operand = this.or();
      this.expectOp(')', 'to close "!("');
      requireBool(operand, '!');
      return { type: 'not', operand, pos: bang.pos };
    }
    return this.compare();
  }

  private compare(): ConditionNode {
    const left = this.sum();
    const t = this.peek();
    if (t.kind === 'op' && ['==', '!=', '>', '>=', '<', '<=', '=~', '!~'].includes(t.value)) {
      this.next();
      const right = this.sum();
      const node: ConditionNode = { type: 'compare', op: t.value as CompareOp, left, right, pos: t.pos };
      if ((t.value === '=~' || t.value === '!~') && right.type === 'string') {
        node.regex = compileRe2(right.value, right.pos);
      }
      return node;
    }
    return left;
  }

  private sum(): ConditionNode {
    let left = this.prod();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      const right = this.prod();
      left = arith(op, left, right);
    }
    return left;
  }

  private prod(): ConditionNode {
    let left = this.atom();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next();
      const right = this.atom();
      left = arith(op, left, right);
    }
    return left;
  }

  private atom(): ConditionNode {
    const t = this.next();
    switch (t.kind) {
      case 'num':
        return { type: 'number', value: t.value, pos: t.pos };
      case 'str':
        return { type: 'string', value: t.value, pos: t.pos };
      case 'name': {
        if (!t.bracketed && (t.value === 'true' || t.value === 'false')) {
          return { type: 'bool', value: t.value === 'true', pos: t.pos };
        }
        if (!t.bracketed && t.value === 'contains' && this.isOp('(')) {
          this.next();
          const haystack = this.or();
          this.expectOp(',', 'between the arguments of contains()');
          const needle = this.or();
          this.expectOp(')', 'to close contains(');
          return { type: 'contains', haystack, needle, pos: t.pos };
        }
        const m = /^\$(\d)\.(.*)$/s.exec(t.value);
        if (m) {
          const query = Number(m[1]);
          if (query > 2) {
            throw new ConditionError(
              `$${query}. at position ${t.pos + 1} names a fourth query; a rule has at most 3 ($0, $1, $2)`,
              t.pos,
            );
          }
          return { type: 'var', query, name: m[2], pos: t.pos };
        }
        return { type: 'var', query: 0, name: t.value, pos: t.pos };
      }
      case 'op':
        if (t.value === '(') {
          // Negative literals are written in parentheses: x+(-100)<100.
          if (this.isOp('-')) {
            const minus = this.next();
            const n = this.next();
            if (n.kind !== 'num') {
              throw new ConditionError(
                `"-" at position ${minus.pos + 1} may only start a negative number such as (-100)`,
                minus.pos,
              );
            }
            this.expectOp(')', 'to close the negative number');
            return { type: 'number', value: -n.value, pos: minus.pos };
          }
          const inner = this.or();
          this.expectOp(')', `to close "(" from position ${t.pos + 1}`);
          return inner;
        }
        if (t.value === '-') {
          throw new ConditionError(
            `a negative number must be parenthesised, e.g. (-100), at position ${t.pos + 1}`,
            t.pos,
          );
        }
        throw new ConditionError(`expected a value at position ${t.pos + 1}, found "${t.value}"`, t.pos);
      case 'eof':
        throw new ConditionError(
          `the condition ends too early at position ${t.pos + 1}; a value is missing`,
          t.pos,
        );
    }
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end';
    case 'num':
      return `the number ${t.value}`;
    case 'str':
      return `the string "${t.value}"`;
    case 'name':
      return `the name "${t.value}"`;
    case 'op':
      return `"${t.value}"`;
  }
}

function staticType(n: ConditionNode): StaticType {
  switch (n.type) {
    case 'bool':
    case 'compare':
    case 'logic':
    case 'not':
    case 'contains':
      return 'bool';
    case 'number':
    case 'arith':
      return 'num';
    case 'string':
      return 'str';
    case 'var':
      return 'any';
  }
}

function requireBool(n: ConditionNode, op: string): void {
  if (staticType(n) !== 'bool') {
    throw new ConditionError(
      `"${op}" needs conditions on both sides, but position ${n.pos + 1} is a plain value; compare it, e.g. x > 0 or x == "v"`,
      n.pos,
    );
  }
}

function arith(op: Token, left: ConditionNode, right: ConditionNode): ConditionNode {
  for (const side of [left, right]) {
    const t = staticType(side);
    if (t === 'str' || t === 'bool') {
      throw new ConditionError(
        `"${(op as { value: string }).value}" at position ${op.pos + 1} needs numbers; position ${side.pos + 1} is ${t === 'str' ? 'a string literal' : 'a condition'}`,
        op.pos,
      );
    }
  }
  return { type: 'arith', op: (op as { value: string }).value as '+', left, right, pos: op.pos };
}

/**
 * Compiles an RE2 pattern as a JavaScript RegExp. RE2 lacks lookaround and backreferences, so a
 * pattern using them is refused instead of silently meaning something SLS would reject.
 */
export function compileRe2(pattern: string, pos = 0): RegExp {
  const unsupported: [RegExp, string][] = [
    [/\(\?<?[=!]/, 'lookahead/lookbehind assertions'],
    [/\\[1-9]/, 'backreferences (\\1 …)'],
    [/\\k</, 'named backreferences (\\k<…>)'],
  ];
  for (const [re, what] of unsupported) {
    if (re.test(stripClasses(pattern))) {
      throw new ConditionError(
        `the pattern "${pattern}" at position ${pos + 1} uses ${what}, which RE2 (the SLS regex engine) does not support; rewrite it without them`,
        pos,
      );
    }
  }
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('s')) flags += 's';
    if (inline[1].includes('m')) flags += 'm';
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source, flags + 'u');
  } catch {
    try {
      return new RegExp(source, flags);
    } catch (e) {
      throw new ConditionError(
        `the pattern "${pattern}" at position ${pos + 1} is not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`,
        pos,
      );
    }
  }
}

/** The pattern without character classes, so `[\1]` or `[(?=]` are not mistaken for constructs. */
function stripClasses(p: string): string {
  return p.replace(/\\\\/g, '').replace(/\[(?:\\.|[^\]\\])*\]/g, '');
}

export function parseCondition(text: string): Condition {
  if (text.trim() === '') return { text, variables: [], boolean: true };
  const root = new Parser(lex(text), text).parse();
  const variables: { query: number; name: string }[] = [];
  const walk = (n: ConditionNode): void => {
    switch (n.type) {
      case 'var':
        if (!variables.some((v) => v.query === n.query && v.name === n.name)) {
          variables.push({ query: n.query, name: n.name });
        }
        return;
      case 'contains':
        walk(n.haystack);
        walk(n.needle);
        return;
      case 'not':
        walk(n.operand);
        return;
      case 'logic':
      case 'compare':
      case 'arith':
        walk(n.left);
        walk(n.right);
        return;
      default:
        return;
    }
  };
  walk(root);
  const t = staticType(root);
  return { text, root, variables, boolean: t === 'bool' || t === 'any' };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** One row per query (a combination); `$N.name` reads `rows[N][name]`. */
export type RowCombination = Record<string, unknown>[];

type Value = number | string | boolean;

class EvalError extends Error {}

/** Text of a result value: numbers as written, objects as JSON, NULL and missing as ''. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(v: Value | unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    return NUMERIC.test(s) ? Number(s) : undefined;
  }
  return undefined;
}

/** Per evaluation: how many rows each query returned (`__count__` when no column has that name). */
export interface EvalContext {
  counts?: number[];
}

let context: EvalContext = {};

function read(rows: RowCombination, query: number, name: string): unknown {
  const row = rows[query];
  if (row && Object.prototype.hasOwnProperty.call(row, name)) return row[name];
  if (name === '__count__' && context.counts?.[query] !== undefined) return context.counts[query];
  return '';
}

function evalNode(n: ConditionNode, rows: RowCombination): Value | unknown {
  switch (n.type) {
    case 'number':
    case 'string':
    case 'bool':
      return n.value;
    case 'var':
      return read(rows, n.query, n.name);
    case 'contains':
      return valueText(evalNode(n.haystack, rows)).includes(valueText(evalNode(n.needle, rows)));
    case 'not':
      return evalNode(n.operand, rows) !== true;
    case 'logic': {
      const l = evalNode(n.left, rows) === true;
      if (n.op === '&&') return l && evalNode(n.right, rows) === true;
      return l || evalNode(n.right, rows) === true;
    }
    case 'arith': {
      const l = toNumber(evalNode(n.left, rows));
      const r = toNumber(evalNode(n.right, rows));
      if (l === undefined || r === undefined)
        throw new EvalError('arithmetic on a value that is not a number');
      switch (n.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return l / r;
        case '%':
          return l % r;
      }
      return undefined;
    }
    case 'compare': {
      const lv = evalNode(n.left, rows);
      const rv = evalNode(n.right, rows);
      if (n.op === '=~' || n.op === '!~') {
        const re = n.regex ?? compileRe2(valueText(rv), n.right.pos);
        const hit = re.test(valueText(lv));
        return n.op === '=~' ? hit : !hit;
      }
      const textual = n.left.type === 'string' || n.right.type === 'string';
      let cmp: number;
      const ln = textual ? undefined : toNumber(lv);
      const rn = textual ? undefined : toNumber(rv);
      if (ln !== undefined && rn !== undefined) {
        if (Number.isNaN(ln) || Number.isNaN(rn)) return false;
        cmp = ln < rn ? -1 : ln > rn ? 1 : 0;
      } else {
        const ls = valueText(lv);
        const rs = valueText(rv);
        cmp = ls < rs ? -1 : ls > rs ? 1 : 0;
      }
      switch (n.op) {
        case '==':
          return cmp === 0;
        case '!=':
          return cmp !== 0;
        case '>':
          return cmp > 0;
        case '>=':
          return cmp >= 0;
        case '<':
          return cmp < 0;
        case '<=':
          return cmp <= 0;
      }
    }
  }
  return undefined;
}

/**
 * Whether `rows` fire the condition: only a boolean `true` does. A row on which the expression
 * cannot be computed (arithmetic on text) does not fire.
 */
export function evaluateCondition(cond: Condition, rows: RowCombination, ctx: EvalContext = {}): boolean {
  if (!cond.root) return true;
  context = ctx;
  try {
    return evalNode(cond.root, rows) === true;
  } catch (e) {
    if (e instanceof EvalError) return false;
    throw e;
  } finally {
    context = {};
  }
}

export interface ConditionLint {
  severity: 'error' | 'warning';
  message: string;
}

/**
 * Static checks against the output columns of each query (undefined when a query's columns are not
 * known, e.g. a search without SQL, whose rows are whole events).
 */
export function lintCondition(cond: Condition, columns: (string[] | undefined)[]): ConditionLint[] {
  const out: ConditionLint[] = [];
  if (!cond.boolean) {
    out.push({
      severity: 'warning',
      message: `the condition "${cond.text}" is not a comparison and never fires (only a boolean true fires); compare it, e.g. x > 0`,
    });
  }
  if (cond.text.length > 128) {
    out.push({
      severity: 'warning',
      message: `the condition is ${cond.text.length} characters long; SLS accepts at most 128, so it will not paste back into SLS`,
    });
  }
  for (const v of cond.variables) {
    if (v.query >= columns.length) {
      out.push({
        severity: 'error',
        message: `the condition reads $${v.query}.${v.name} but the rule has ${columns.length} quer${columns.length === 1 ? 'y' : 'ies'}`,
      });
      continue;
    }
    const cols = columns[v.query];
    if (cols && !cols.includes(v.name) && v.name !== '__count__') {
      out.push({
        severity: 'warning',
        message: `the condition reads "${v.name}", which query ${v.query} does not return (columns: ${cols.join(', ')}); it reads as the empty string`,
      });
    }
  }
  return out;
}
