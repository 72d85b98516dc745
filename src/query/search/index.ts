// The SLS search statement (sls-query.md §3): parse to a dialect-neutral AST. Renderers live with
// their dialect (src/store/duckdb/dialect/search.ts for DuckDB).
export { parseSearch } from './parser.js';
export type { SearchNode, FieldRef, TokenPattern, TokenPart, CompareOp } from './ast.js';
export {
  DEFAULT_DELIMITERS,
  isDelimiter,
  splitTokens,
  tokenText,
  hasWildcard,
  longestLiteral,
} from './tokens.js';
export { resolveSearchField, searchableFieldNames } from './fields.js';
export { closestName, levenshtein } from './suggest.js';
