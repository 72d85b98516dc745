// The analytic (SQL) statement as a tree: dialect-neutral, produced by the parser (parser.ts),
// annotated by the binder (bind.ts) and rendered by a dialect (src/query/dialect.ts).
// Positions are 0-based offsets into the whole query text (search part included).

/** SQL value types the binder infers (Presto names); `unknown` when it cannot tell. */
export type SqlType =
  | 'bigint'
  | 'double'
  | 'varchar'
  | 'boolean'
  | 'timestamp'
  | 'date'
  | 'interval'
  | 'array'
  | 'map'
  | 'null'
  | 'unknown';

interface Node {
  pos: number;
  /** Filled in by the binder. */
  type?: SqlType;
}

/** Where a column reference points after binding. */
export type ColumnBinding =
  /** A physical column of the events relation, by its catalogue name. */
  | { kind: 'field'; relAlias: string; name: string }
  /** A key inside a JSON column of the events relation (`annotations.authorization.k8s.io/reason`). */
  | { kind: 'dynamic'; relAlias: string; parent: string; keys: string[] }
  /** An output column of a subquery, CTE or UNNEST. */
  | { kind: 'derived'; relAlias: string; name: string };

export interface ColumnRef extends Node {
  kind: 'column';
  name: string;
  qualifier?: string;
  binding?: ColumnBinding;
}

export interface Literal extends Node {
  kind: 'literal';
  literal: 'string' | 'integer' | 'decimal' | 'boolean' | 'null';
  /** The literal's text (string contents unescaped; numbers as written). */
  value: string;
}

/** `TIMESTAMP '…'`, `DATE '…'`. */
export interface TypedLiteral extends Node {
  kind: 'typedLiteral';
  typeName: 'timestamp' | 'date';
  value: string;
}

export interface IntervalLiteral extends Node {
  kind: 'interval';
  value: string;
  unit: string;
  negative: boolean;
}

export interface Star extends Node {
  kind: 'star';
  qualifier?: string;
}

export interface Unary extends Node {
  kind: 'unary';
  op: '-' | '+' | 'not';
  expr: Expr;
}

export type BinaryOp =
  'or' | 'and' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '||';

export interface Binary extends Node {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface OrderItem {
  expr: Expr;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export interface FrameBound {
  kind: 'unboundedPreceding' | 'unboundedFollowing' | 'currentRow' | 'preceding' | 'following';
  offset?: number;
}

export interface WindowSpec {
  partitionBy: Expr[];
  orderBy: OrderItem[];
  frame?: { unit: 'rows' | 'range'; start: FrameBound; end?: FrameBound };
}

export interface FuncCall extends Node {
  kind: 'func';
  /** Lower-cased function name. */
  name: string;
  args: Expr[];
  distinct: boolean;
  /** `count(*)`. */
  star: boolean;
  filter?: Expr;
  over?: WindowSpec;
}

export interface Case extends Node {
  kind: 'case';
  operand?: Expr;
  whens: { when: Expr; then: Expr }[];
  else?: Expr;
}

export interface Cast extends Node {
  kind: 'cast';
  expr: Expr;
  /** Presto type name, lower-cased, e.g. `bigint`, `varchar`, `decimal(10,2)`, `array(varchar)`. */
  typeName: string;
  try: boolean;
}

export interface InList extends Node {
  kind: 'in';
  expr: Expr;
  list: Expr[] | Query;
  not: boolean;
}

export interface Between extends Node {
  kind: 'between';
  expr: Expr;
  low: Expr;
  high: Expr;
  not: boolean;
}

export interface Like extends Node {
  kind: 'like';
  expr: Expr;
  pattern: Expr;
  escape?: Expr;
  not: boolean;
}

export interface IsNull extends Node {
  kind: 'isNull';
  expr: Expr;
  not: boolean;
}

export interface ArrayCtor extends Node {
  kind: 'array';
  items: Expr[];
}

export interface Subscript extends Node {
  kind: 'subscript';
  expr: Expr;
  index: Expr;
}

export interface ScalarSubquery extends Node {
  kind: 'subquery';
  query: Query;
}

export interface Exists extends Node {
  kind: 'exists';
  query: Query;
  not: boolean;
}

export type Expr =
  | ColumnRef
  | Literal
  | TypedLiteral
  | IntervalLiteral
  | Star
  | Unary
  | Binary
  | FuncCall
  | Case
  | Cast
  | InList
  | Between
  | Like
  | IsNull
  | ArrayCtor
  | Subscript
  | ScalarSubquery
  | Exists;

export interface SelectItem {
  expr: Expr;
  alias?: string;
  /** Output column name, set by the binder (alias, column name, or `_colN` as Presto). */
  name?: string;
}

export interface TableRef {
  kind: 'table';
  name: string;
  alias?: string;
  pos: number;
  /** Set by the binder: the events relation (`log`) or a WITH query of this name. */
  source?: 'log' | 'cte';
  /** Set by the binder: the unique name the dialect gives this relation. */
  renderAlias?: string;
}

export interface SubqueryRef {
  kind: 'subqueryRef';
  query: Query;
  alias?: string;
  pos: number;
  renderAlias?: string;
}

/** `UNNEST(expr) AS t(a[, b])`: one row per array element (or map entry: key, value). */
export interface UnnestRef {
  kind: 'unnest';
  expr: Expr;
  alias?: string;
  columns: string[];
  pos: number;
  renderAlias?: string;
  /** Set by the binder: a map unnests to (key, value) rows, an array to one column. */
  unnestKind?: 'map' | 'array';
}

export interface JoinRef {
  kind: 'join';
  joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  left: FromItem;
  right: FromItem;
  on?: Expr;
  pos: number;
}

export type FromItem = TableRef | SubqueryRef | UnnestRef | JoinRef;

export interface Limit {
  count: number;
  offset?: number;
  pos: number;
}

export interface Select {
  kind: 'select';
  pos: number;
  distinct: boolean;
  items: SelectItem[];
  from?: FromItem;
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  orderBy: OrderItem[];
  limit?: Limit;
}

export interface SetOperation {
  kind: 'setOp';
  pos: number;
  op: 'union' | 'intersect' | 'except';
  all: boolean;
  left: Query;
  right: Query;
  orderBy: OrderItem[];
  limit?: Limit;
}

export interface Cte {
  name: string;
  query: Query;
  pos: number;
}

export type QueryBody = Select | SetOperation;

/** A query: optional WITH list plus a body. */
export type Query = QueryBody & { with?: Cte[] };
