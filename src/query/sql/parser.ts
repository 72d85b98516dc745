// Recursive-descent parser of the analytic statement: exactly one SELECT query (WITH, subqueries,
// joins, UNNEST, set operations, window functions) into the AST of ast.ts. Anything else — DDL,
// DML, PRAGMA, SET, ATTACH, a second statement — is rejected here, before any engine sees it
// (the first half of the sandbox; DuckDB's own configuration is the second, src/store/duckdb/sandbox.ts).
import { QueryError } from '../errors.js';
import type {
  BinaryOp,
  Cte,
  Expr,
  FrameBound,
  FromItem,
  FuncCall,
  Limit,
  OrderItem,
  Query,
  QueryBody,
  Select,
  SelectItem,
  WindowSpec,
} from './ast.js';
import { tokenize, type Token } from './lexer.js';

/** Words that cannot be a bare identifier or alias (quote them to use them as names). */
const RESERVED = new Set(
  (
    'select from where group by having order limit offset union intersect except join on left right full inner ' +
    'cross outer as and or not in is null like escape between case when then else end distinct all with over ' +
    'partition asc desc nulls exists cast try_cast true false using natural insert update delete create drop ' +
    'alter attach detach copy pragma set install load call execute prepare describe show values table grant'
  ).split(' '),
);

/** Statement keywords that are not queries: named in the error so the user knows why. */
const NOT_A_QUERY = new Set(
  'insert update delete create drop alter attach detach copy pragma set install load call execute prepare describe show grant use checkpoint export import vacuum begin commit rollback truncate merge reset summarize'.split(
    ' ',
  ),
);

export function parseSql(text: string, offset = 0): Query {
  const p = new Parser(tokenize(text, offset));
  return p.parseStatement();
}

/** Nesting (parentheses, subqueries, CASE, NOT, unary signs) beyond this is refused, not a stack overflow. */
const MAX_DEPTH = 200;
/** Operators chained at one level (`a + b + c …`, `x or y or …`) beyond this are refused. */
const MAX_CHAIN = 1000;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new QueryError(
        `The query is nested too deeply (more than ${MAX_DEPTH} levels); simplify it`,
        this.tok.pos,
      );
    }
  }

  private chain(count: number): void {
    if (count > MAX_CHAIN) {
      throw new QueryError(
        `Too many chained operators (more than ${MAX_CHAIN}); simplify the expression`,
        this.tok.pos,
      );
    }
  }

  private get tok(): Token {
    return this.tokens[this.i];
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isKw(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }
  private acceptKw(word: string): boolean {
    if (this.isKw(word)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectKw(word: string): Token {
    if (!this.isKw(word)) this.fail(`expected ${word.toUpperCase()}`);
    return this.next();
  }
  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === op;
  }
  private acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectOp(op: string): Token {
    if (!this.isOp(op)) this.fail(`expected '${op}'`);
    return this.next();
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of input';
    if (t.kind === 'string') return `'${t.text}'`;
    if (t.kind === 'quotedIdent') return `"${t.text}"`;
    return `'${t.text}'`;
  }
  private fail(expected: string, t: Token = this.tok): never {
    throw new QueryError(`line 1:${t.pos + 1}: mismatched input ${this.describe(t)}; ${expected}`, t.pos);
  }

  parseStatement(): Query {
    const first = this.tok;
    if (first.kind === 'eof')
      throw new QueryError('The SQL statement after | is empty; write a SELECT', first.pos);
    if (first.kind === 'ident' && NOT_A_QUERY.has(first.text.toLowerCase())) {
      throw new QueryError(
        `Only SELECT statements are allowed: ${first.text.toUpperCase()} cannot run in a query`,
        first.pos,
      );
    }
    const q = this.parseQuery();
    if (this.isOp(';')) {
      const semi = this.next();
      if (this.tok.kind !== 'eof') {
        throw new QueryError('A query holds one SQL statement: remove everything after the ;', semi.pos);
      }
    }
    if (this.tok.kind !== 'eof')
      this.fail('expected end of the query (or a clause such as WHERE, GROUP BY, ORDER BY, LIMIT)');
    return q;
  }

  private parseQuery(): Query {
    this.enter();
    try {
      return this.parseQueryInner();
    } finally {
      this.depth--;
    }
  }

  private parseQueryInner(): Query {
    let ctes: Cte[] | undefined;
    if (this.isKw('with')) {
      this.next();
      if (this.acceptKw('recursive')) this.fail('recursive WITH is not supported', this.tokens[this.i - 1]);
      ctes = [];
      do {
        const nameTok = this.tok;
        const name = this.parseIdentifier('a name for the WITH query');
        this.expectKw('as');
        this.expectOp('(');
        const query = this.parseQuery();
        this.expectOp(')');
        ctes.push({ name, query, pos: nameTok.pos });
      } while (this.acceptOp(','));
    }
    const body = this.parseSetOps();
    return ctes ? { ...body, with: ctes } : body;
  }

  private parseSetOps(): QueryBody {
    let left: Query = this.parseQueryTerm();
    let n = 0;
    for (;;) {
      this.chain(++n);
      const t = this.tok;
      let op: 'union' | 'intersect' | 'except' | undefined;
      if (this.isKw('union')) op = 'union';
      else if (this.isKw('intersect')) op = 'intersect';
      else if (this.isKw('except')) op = 'except';
      if (!op) break;
      this.next();
      const all = this.acceptKw('all');
      if (!all) this.acceptKw('distinct');
      const right = this.parseQueryTerm();
      // `a UNION b ORDER BY … LIMIT …`: the trailing clauses belong to the whole set operation.
      const trailing =
        right.kind === 'select' && !this.isOp(')', this.tokens[this.i - 1])
          ? { orderBy: right.orderBy, limit: right.limit }
          : { orderBy: [], limit: undefined };
      if (right.kind === 'select' && trailing.orderBy.length + (trailing.limit ? 1 : 0) > 0) {
        right.orderBy = [];
        delete right.limit;
      }
      left = { kind: 'setOp', pos: t.pos, op, all, left, right, orderBy: trailing.orderBy };
      if (trailing.limit) left.limit = trailing.limit;
    }
    if (left.kind === 'setOp') {
      if (this.isKw('order')) left.orderBy = this.parseOrderBy();
      if (this.isKw('limit')) left.limit = this.parseLimit();
    }
    return left;
  }

  /** A SELECT, or a parenthesised query used as an operand of UNION. */
  private parseQueryTerm(): Query {
    if (this.isOp('(') && (this.isKw('select', this.peek()) || this.isKw('with', this.peek()))) {
      this.next();
      const q = this.parseQuery();
      this.expectOp(')');
      return q;
    }
    return this.parseSelect();
  }

  private parseSelect(): Select {
    const start = this.tok;
    if (!this.isKw('select')) {
      if (start.kind === 'ident' && NOT_A_QUERY.has(start.text.toLowerCase())) {
        throw new QueryError(
          `Only SELECT statements are allowed: ${start.text.toUpperCase()} cannot run in a query`,
          start.pos,
        );
      }
      this.fail('expected SELECT');
    }
    this.next();
    const distinct = this.acceptKw('distinct');
    if (!distinct) this.acceptKw('all');
    const items: SelectItem[] = [];
    do {
      items.push(this.parseSelectItem());
    } while (this.acceptOp(','));
    const sel: Select = { kind: 'select', pos: start.pos, distinct, items, groupBy: [], orderBy: [] };
    if (this.acceptKw('from')) sel.from = this.parseFrom();
    if (this.acceptKw('where')) sel.where = this.parseExpr();
    if (this.isKw('group')) {
      this.next();
      this.expectKw('by');
      do {
        sel.groupBy.push(this.parseExpr());
      } while (this.acceptOp(','));
    }
    if (this.acceptKw('having')) sel.having = this.parseExpr();
    if (this.isKw('order')) sel.orderBy = this.parseOrderBy();
    if (this.isKw('limit')) sel.limit = this.parseLimit();
    return sel;
  }

  private parseSelectItem(): SelectItem {
    if (this.isOp('*')) {
      const t = this.next();
      return { expr: { kind: 'star', pos: t.pos } };
    }
    // t.* (qualified star)
    if (
      (this.tok.kind === 'ident' || this.tok.kind === 'quotedIdent') &&
      this.isOp('.', this.peek()) &&
      this.isOp('*', this.peek(2))
    ) {
      const t = this.next();
      this.next();
      this.next();
      return { expr: { kind: 'star', qualifier: t.text, pos: t.pos } };
    }
    const expr = this.parseExpr();
    const alias = this.parseOptionalAlias();
    return alias === undefined ? { expr } : { expr, alias };
  }

  private parseOptionalAlias(): string | undefined {
    if (this.acceptKw('as')) return this.parseIdentifier('an alias after AS');
    if (this.tok.kind === 'quotedIdent') return this.next().text;
    if (this.tok.kind === 'ident' && !RESERVED.has(this.tok.text.toLowerCase())) return this.next().text;
    return undefined;
  }

  private parseIdentifier(what: string): string {
    const t = this.tok;
    if (t.kind === 'quotedIdent') return this.next().text;
    if (t.kind === 'ident' && !RESERVED.has(t.text.toLowerCase())) return this.next().text;
    if (t.kind === 'string') {
      // SLS accepts `as 'alias'` in some examples; Presto does not. Keep the user's intent.
      return this.next().text;
    }
    this.fail(`expected ${what}`);
  }

  private parseOrderBy(): OrderItem[] {
    this.expectKw('order');
    this.expectKw('by');
    const items: OrderItem[] = [];
    do {
      const expr = this.parseExpr();
      let desc = false;
      if (this.acceptKw('desc')) desc = true;
      else this.acceptKw('asc');
      let nulls: 'first' | 'last' | undefined;
      if (this.acceptKw('nulls')) {
        if (this.acceptKw('first')) nulls = 'first';
        else if (this.acceptKw('last')) nulls = 'last';
        else this.fail('expected FIRST or LAST');
      }
      items.push(nulls ? { expr, desc, nulls } : { expr, desc });
    } while (this.acceptOp(','));
    return items;
  }

  private parseLimit(): Limit {
    const t = this.expectKw('limit');
    const a = this.parseLimitNumber();
    if (this.acceptOp(',')) {
      const b = this.parseLimitNumber();
      return { offset: a, count: b, pos: t.pos };
    }
    if (this.acceptKw('offset')) {
      const b = this.parseLimitNumber();
      return { offset: b, count: a, pos: t.pos };
    }
    return { count: a, pos: t.pos };
  }

  private parseLimitNumber(): number {
    const t = this.tok;
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail('expected a whole number after LIMIT');
    this.next();
    return Number(t.text);
  }

  private parseFrom(): FromItem {
    let left = this.parseFromPrimary();
    let n = 0;
    for (;;) {
      this.chain(++n);
      const t = this.tok;
      if (this.acceptOp(',')) {
        const right = this.parseFromPrimary();
        left = { kind: 'join', joinType: 'cross', left, right, pos: t.pos };
        continue;
      }
      let joinType: 'inner' | 'left' | 'right' | 'full' | 'cross' | undefined;
      if (this.isKw('join')) joinType = 'inner';
      else if (this.isKw('inner')) joinType = 'inner';
      else if (this.isKw('left')) joinType = 'left';
      else if (this.isKw('right')) joinType = 'right';
      else if (this.isKw('full')) joinType = 'full';
      else if (this.isKw('cross')) joinType = 'cross';
      if (!joinType) break;
      if (!this.isKw('join')) {
        this.next();
        this.acceptKw('outer');
      }
      this.expectKw('join');
      const right = this.parseFromPrimary();
      if (joinType === 'cross') {
        left = { kind: 'join', joinType, left, right, pos: t.pos };
      } else {
        if (this.isKw('using')) this.fail('JOIN … USING is not supported; write ON a.x = b.x');
        this.expectKw('on');
        const on = this.parseExpr();
        left = { kind: 'join', joinType, left, right, on, pos: t.pos };
      }
    }
    return left;
  }

  private parseTableAlias(): string | undefined {
    if (this.acceptKw('as')) return this.parseIdentifier('an alias after AS');
    if (this.tok.kind === 'quotedIdent') return this.next().text;
    if (this.tok.kind === 'ident' && !RESERVED.has(this.tok.text.toLowerCase())) return this.next().text;
    return undefined;
  }

  private parseFromPrimary(): FromItem {
    const t = this.tok;
    if (this.isOp('(')) {
      if (this.isKw('select', this.peek()) || this.isKw('with', this.peek()) || this.isOp('(', this.peek())) {
        this.next();
        const query = this.parseQuery();
        this.expectOp(')');
        const alias = this.parseTableAlias();
        return alias === undefined
          ? { kind: 'subqueryRef', query, pos: t.pos }
          : { kind: 'subqueryRef', query, alias, pos: t.pos };
      }
      this.next();
      const inner = this.parseFrom();
      this.expectOp(')');
      return inner;
    }
    if (this.isKw('unnest') && this.isOp('(', this.peek())) {
      this.next();
      this.next();
      const expr = this.parseExpr();
      if (this.isOp(',')) this.fail('UNNEST takes one array or map here');
      this.expectOp(')');
      if (this.acceptKw('with')) {
        this.fail('UNNEST … WITH ORDINALITY is not supported', this.tokens[this.i - 1]);
      }
      let alias: string | undefined;
      const columns: string[] = [];
      if (this.acceptKw('as') || this.tok.kind === 'ident' || this.tok.kind === 'quotedIdent') {
        alias = this.parseIdentifier('a name for the UNNEST result');
        if (this.acceptOp('(')) {
          do {
            columns.push(this.parseIdentifier('a column name'));
          } while (this.acceptOp(','));
          this.expectOp(')');
        }
      }
      return alias === undefined
        ? { kind: 'unnest', expr, columns, pos: t.pos }
        : { kind: 'unnest', expr, alias, columns, pos: t.pos };
    }
    if (t.kind === 'ident' || t.kind === 'quotedIdent') {
      if (t.kind === 'ident' && RESERVED.has(t.text.toLowerCase()))
        this.fail('expected a table name or (subquery)');
      this.next();
      let name = t.text;
      // schema.table: kept whole so the binder can reject it by name.
      while (this.isOp('.') && (this.peek().kind === 'ident' || this.peek().kind === 'quotedIdent')) {
        this.next();
        name += '.' + this.next().text;
      }
      if (this.isOp('(')) {
        throw new QueryError(
          `Table function '${name}' is not allowed: a query reads the audit log ('log') and nothing else`,
          t.pos,
        );
      }
      const alias = this.parseTableAlias();
      return alias === undefined
        ? { kind: 'table', name, pos: t.pos }
        : { kind: 'table', name, alias, pos: t.pos };
    }
    this.fail('expected a table name or (subquery)');
  }

  // ---- expressions (precedence low → high: OR, AND, NOT, comparison/predicates, ||, + -, * / %, unary, postfix)

  parseExpr(): Expr {
    this.enter();
    try {
      return this.parseOr();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    let n = 0;
    while (this.isKw('or')) {
      this.chain(++n);
      const t = this.next();
      left = { kind: 'binary', op: 'or', left, right: this.parseAnd(), pos: t.pos };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    let n = 0;
    while (this.isKw('and')) {
      this.chain(++n);
      const t = this.next();
      left = { kind: 'binary', op: 'and', left, right: this.parseNot(), pos: t.pos };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      this.enter();
      try {
        return { kind: 'unary', op: 'not', expr: this.parseNot(), pos: t.pos };
      } finally {
        this.depth--;
      }
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    const left = this.parseConcat();
    const t = this.tok;
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const right = this.parseConcat();
      return { kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos };
    }
    if (this.isKw('is')) {
      this.next();
      const not = this.acceptKw('not');
      if (this.acceptKw('null')) return { kind: 'isNull', expr: left, not, pos: t.pos };
      if (this.isKw('distinct')) this.fail('IS DISTINCT FROM is not supported; use = / != with IS NULL');
      this.fail('expected NULL after IS');
    }
    let not = false;
    if (
      this.isKw('not') &&
      (this.isKw('in', this.peek()) || this.isKw('like', this.peek()) || this.isKw('between', this.peek()))
    ) {
      this.next();
      not = true;
    }
    if (this.acceptKw('in')) {
      this.expectOp('(');
      if (this.isKw('select') || this.isKw('with')) {
        const query = this.parseQuery();
        this.expectOp(')');
        return { kind: 'in', expr: left, list: query, not, pos: t.pos };
      }
      const list: Expr[] = [];
      do {
        list.push(this.parseExpr());
      } while (this.acceptOp(','));
      this.expectOp(')');
      return { kind: 'in', expr: left, list, not, pos: t.pos };
    }
    if (this.acceptKw('like')) {
      const pattern = this.parseConcat();
      const escape = this.acceptKw('escape') ? this.parseConcat() : undefined;
      return escape
        ? { kind: 'like', expr: left, pattern, escape, not, pos: t.pos }
        : { kind: 'like', expr: left, pattern, not, pos: t.pos };
    }
    if (this.acceptKw('between')) {
      const low = this.parseConcat();
      this.expectKw('and');
      const high = this.parseConcat();
      return { kind: 'between', expr: left, low, high, not, pos: t.pos };
    }
    if (not) this.fail('expected IN, LIKE or BETWEEN after NOT');
    return left;
  }

  private parseConcat(): Expr {
    let left = this.parseAdditive();
    let n = 0;
    while (this.isOp('||')) {
      this.chain(++n);
      const t = this.next();
      left = { kind: 'binary', op: '||', left, right: this.parseAdditive(), pos: t.pos };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    let n = 0;
    while (this.isOp('+') || this.isOp('-')) {
      this.chain(++n);
      const t = this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.parseMultiplicative(), pos: t.pos };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    let n = 0;
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      this.chain(++n);
      const t = this.next();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right: this.parseUnary(), pos: t.pos };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      this.enter();
      let expr: Expr;
      try {
        expr = this.parseUnary();
      } finally {
        this.depth--;
      }
      if (
        t.text === '-' &&
        expr.kind === 'literal' &&
        (expr.literal === 'integer' || expr.literal === 'decimal')
      ) {
        return {
          ...expr,
          value: expr.value.startsWith('-') ? expr.value.slice(1) : '-' + expr.value,
          pos: t.pos,
        };
      }
      return { kind: 'unary', op: t.text as '-' | '+', expr, pos: t.pos };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    while (this.isOp('[')) {
      const t = this.next();
      const index = this.parseExpr();
      this.expectOp(']');
      expr = { kind: 'subscript', expr, index, pos: t.pos };
    }
    return expr;
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.next();
        return {
          kind: 'literal',
          literal: /^\d+$/.test(t.text) ? 'integer' : 'decimal',
          value: t.text,
          pos: t.pos,
        };
      case 'string':
        this.next();
        return { kind: 'literal', literal: 'string', value: t.text, pos: t.pos };
      case 'quotedIdent':
        return this.parseColumnOrCall();
      case 'op':
        if (t.text === '(') {
          if (this.isKw('select', this.peek()) || this.isKw('with', this.peek())) {
            this.next();
            const query = this.parseQuery();
            this.expectOp(')');
            return { kind: 'subquery', query, pos: t.pos };
          }
          this.next();
          const e = this.parseExpr();
          this.expectOp(')');
          return e;
        }
        if (t.text === '*') this.fail("'*' is only allowed as a whole select item or in count(*)");
        this.fail('expected an expression');
      // eslint-disable-next-line no-fallthrough
      case 'eof':
        this.fail('expected an expression');
      // eslint-disable-next-line no-fallthrough
      case 'ident':
        break;
    }
    const word = t.text.toLowerCase();
    if (word === 'null') {
      this.next();
      return { kind: 'literal', literal: 'null', value: 'null', pos: t.pos };
    }
    if (word === 'true' || word === 'false') {
      this.next();
      return { kind: 'literal', literal: 'boolean', value: word, pos: t.pos };
    }
    if (word === 'case') return this.parseCase();
    if ((word === 'cast' || word === 'try_cast') && this.isOp('(', this.peek())) {
      this.next();
      this.next();
      const expr = this.parseExpr();
      this.expectKw('as');
      const typeName = this.parseTypeName();
      this.expectOp(')');
      return { kind: 'cast', expr, typeName, try: word === 'try_cast', pos: t.pos };
    }
    if (word === 'exists' && this.isOp('(', this.peek())) {
      this.next();
      this.next();
      const query = this.parseQuery();
      this.expectOp(')');
      return { kind: 'exists', query, not: false, pos: t.pos };
    }
    if (word === 'array' && this.isOp('[', this.peek())) {
      this.next();
      this.next();
      const items: Expr[] = [];
      if (!this.isOp(']')) {
        do {
          items.push(this.parseExpr());
        } while (this.acceptOp(','));
      }
      this.expectOp(']');
      return { kind: 'array', items, pos: t.pos };
    }
    if ((word === 'timestamp' || word === 'date') && this.peek().kind === 'string') {
      this.next();
      const v = this.next();
      return { kind: 'typedLiteral', typeName: word, value: v.text, pos: t.pos };
    }
    if (word === 'interval' && (this.peek().kind === 'string' || this.isOp('-', this.peek()))) {
      this.next();
      const negative = this.acceptOp('-');
      const v = this.next();
      if (v.kind !== 'string') this.fail("expected a quoted interval value such as INTERVAL '1' DAY", v);
      const unitTok = this.tok;
      if (unitTok.kind !== 'ident')
        this.fail('expected an interval unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR)');
      this.next();
      return { kind: 'interval', value: v.text, unit: unitTok.text.toLowerCase(), negative, pos: t.pos };
    }
    if (
      (word === 'current_timestamp' ||
        word === 'current_date' ||
        word === 'current_time' ||
        word === 'localtimestamp') &&
      !this.isOp('(', this.peek())
    ) {
      this.next();
      return { kind: 'func', name: word, args: [], distinct: false, star: false, pos: t.pos };
    }
    if (RESERVED.has(word)) this.fail('expected an expression');
    return this.parseColumnOrCall();
  }

  private parseColumnOrCall(): Expr {
    const t = this.next();
    if (t.kind === 'ident' && this.isOp('(')) return this.parseCall(t);
    // qualified name: a.b (a = table alias). A quoted single name "user.username" stays one column.
    if (this.isOp('.') && (this.peek().kind === 'ident' || this.peek().kind === 'quotedIdent')) {
      this.next();
      const col = this.next();
      return { kind: 'column', name: col.text, qualifier: t.text, pos: t.pos };
    }
    return { kind: 'column', name: t.text, pos: t.pos };
  }

  private parseCall(nameTok: Token): FuncCall {
    this.expectOp('(');
    const call: FuncCall = {
      kind: 'func',
      name: nameTok.text.toLowerCase(),
      args: [],
      distinct: false,
      star: false,
      pos: nameTok.pos,
    };
    if (this.isOp('*') && this.isOp(')', this.peek())) {
      this.next();
      call.star = true;
    } else if (!this.isOp(')')) {
      if (this.acceptKw('distinct')) call.distinct = true;
      else this.acceptKw('all');
      do {
        call.args.push(this.parseExpr());
      } while (this.acceptOp(','));
      if (this.isKw('order')) this.fail('ORDER BY inside a function call is not supported');
    }
    this.expectOp(')');
    if (this.isKw('filter') && this.isOp('(', this.peek())) {
      this.next();
      this.next();
      this.expectKw('where');
      call.filter = this.parseExpr();
      this.expectOp(')');
    }
    if (this.acceptKw('over')) call.over = this.parseWindow();
    return call;
  }

  private parseWindow(): WindowSpec {
    this.expectOp('(');
    const spec: WindowSpec = { partitionBy: [], orderBy: [] };
    if (this.acceptKw('partition')) {
      this.expectKw('by');
      do {
        spec.partitionBy.push(this.parseExpr());
      } while (this.acceptOp(','));
    }
    if (this.isKw('order')) spec.orderBy = this.parseOrderBy();
    if (this.isKw('rows') || this.isKw('range')) {
      const unit = this.next().text.toLowerCase() as 'rows' | 'range';
      if (this.acceptKw('between')) {
        const start = this.parseFrameBound();
        this.expectKw('and');
        const end = this.parseFrameBound();
        spec.frame = { unit, start, end };
      } else {
        spec.frame = { unit, start: this.parseFrameBound() };
      }
    }
    this.expectOp(')');
    return spec;
  }

  private parseFrameBound(): FrameBound {
    if (this.acceptKw('unbounded')) {
      if (this.acceptKw('preceding')) return { kind: 'unboundedPreceding' };
      this.expectKw('following');
      return { kind: 'unboundedFollowing' };
    }
    if (this.acceptKw('current')) {
      this.expectKw('row');
      return { kind: 'currentRow' };
    }
    const offset = this.parseLimitNumber();
    if (this.acceptKw('preceding')) return { kind: 'preceding', offset };
    this.expectKw('following');
    return { kind: 'following', offset };
  }

  private parseCase(): Expr {
    const t = this.expectKw('case');
    const operand = this.isKw('when') ? undefined : this.parseExpr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.acceptKw('when')) {
      const when = this.parseExpr();
      this.expectKw('then');
      whens.push({ when, then: this.parseExpr() });
    }
    if (whens.length === 0) this.fail('expected WHEN');
    const elseExpr = this.acceptKw('else') ? this.parseExpr() : undefined;
    this.expectKw('end');
    return {
      kind: 'case',
      ...(operand ? { operand } : {}),
      whens,
      ...(elseExpr ? { else: elseExpr } : {}),
      pos: t.pos,
    };
  }

  /** A Presto type name: `bigint`, `varchar(10)`, `decimal(10, 2)`, `array(varchar)`, `double precision`. */
  private parseTypeName(): string {
    const t = this.tok;
    if (t.kind !== 'ident') this.fail('expected a type name such as bigint, double or varchar');
    this.next();
    let name = t.text.toLowerCase();
    if (name === 'double' && this.acceptKw('precision')) name = 'double';
    if (this.isOp('(') || this.isOp('<')) {
      const close = this.isOp('(') ? ')' : '>';
      const open = this.next().text;
      const parts: string[] = [];
      let depth = 1;
      while (depth > 0) {
        const x = this.tok;
        if (x.kind === 'eof') this.fail(`expected '${close}'`);
        if (x.kind === 'op' && (x.text === '(' || x.text === '<')) depth++;
        if (x.kind === 'op' && (x.text === ')' || x.text === '>')) depth--;
        this.next();
        if (depth > 0) parts.push(x.kind === 'ident' ? x.text.toLowerCase() : x.text);
      }
      name += `${open === '<' ? '(' : open}${parts.join('').replace(/,/g, ',')})`;
    }
    return name;
  }
}
