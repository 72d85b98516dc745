// The search statement AST (sls-query.md §3). Dialect-neutral: it names fields and token patterns,
// never engine SQL, so the DuckDB renderer (src/store/duckdb/dialect/search.ts) and a later
// ClickHouse one compile the same tree.
//
// Semantics every renderer must keep:
// - A leaf is two-valued: a log lacking the field does not match the leaf, and `not leaf` keeps it
//   (sls-query.md §3.3 "not X = all logs minus X").
// - Token patterns are lower-case (the SLS default index is case-insensitive, §9 U-10) and hold no
//   delimiter characters; `*`/`?` wildcards range over non-delimiter characters of one token.

/** One piece of a token pattern: literal text, `*` (zero or more characters) or `?` (exactly one). */
export type TokenPart = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

/** A single token to find, e.g. `node`, `kube-sys*`, `worker-?`. Never starts with a wildcard. */
export interface TokenPattern {
  parts: TokenPart[];
}

/** Where a field lives: a stored column, or a path inside a JSON column (annotations, bodies). */
export type FieldRef =
  | {
      kind: 'column';
      /** Public (SLS) column name as catalogued, e.g. `user.username`. */
      name: string;
      /**
       * How the column is searched: `text` token matching, `long` numeric, `json` tokens of the
       * decoded keys and values of a JSON sub-tree, `exact` whole-value match (`__source__`,
       * `__topic__` have no delimiters, §3.1).
       */
      type: 'text' | 'long' | 'json' | 'exact';
    }
  | {
      kind: 'path';
      /** The name as the user wrote it, e.g. `annotations.authorization.k8s.io/reason`. */
      name: string;
      /** The JSON column holding it, e.g. `annotations`. */
      parent: string;
      /** Keys below the parent, e.g. `["authorization.k8s.io/reason"]` or `["spec","containers"]`. */
      keys: string[];
    };

export type CompareOp = '>' | '>=' | '<' | '<=' | '=';

export type SearchNode =
  /** Every log (empty search, `*`). */
  | { type: 'all' }
  | { type: 'and'; left: SearchNode; right: SearchNode }
  | { type: 'or'; left: SearchNode; right: SearchNode }
  /** Unary `not`: all logs minus the operand. */
  | { type: 'not'; operand: SearchNode }
  /** Binary `not` (`a not b`): logs of `left` that are not in `right`. */
  | { type: 'minus'; left: SearchNode; right: SearchNode }
  /**
   * Token search. `field` null = full text (every key name and value of the Event). Without
   * `phrase` every token must occur somewhere (any order); with `phrase` they must be adjacent and
   * in order (`#"a b"`). An empty token list matches every log that has the field (full text: all).
   */
  | { type: 'match'; field: FieldRef | null; tokens: TokenPattern[]; phrase: boolean }
  /** `key:*` — the field is present. */
  | { type: 'exists'; field: FieldRef }
  /** `key:""` — the field is present with an empty value. */
  | { type: 'empty'; field: FieldRef }
  /** Whole-value match on a field without delimiters (`__source__:x`, `__topic__:x`). */
  | { type: 'exact'; field: FieldRef; value: TokenPattern }
  /** Numeric comparison on a long field (`key > n`, `key = n`, `key:n`). */
  | { type: 'compare'; field: FieldRef; op: CompareOp; value: number }
  /** `key in [low high)`: bracket = inclusive bound, parenthesis = exclusive bound. */
  | {
      type: 'range';
      field: FieldRef;
      low: number;
      high: number;
      lowInclusive: boolean;
      highInclusive: boolean;
    };
