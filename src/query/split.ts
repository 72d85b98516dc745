// Splits a query into its search statement and its SQL statement at the first `|` that is neither
// inside a double-quoted string nor escaped as `\|` (sls-query.md §2).

export interface QueryParts {
  search: string;
  /** The SQL text after `|`, or undefined when there is none. */
  sql?: string;
  /** Offset of `sql` in the whole query text (for error positions). */
  sqlOffset: number;
}

export function splitQuery(text: string): QueryParts {
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') inQuote = !inQuote;
    else if (c === '|' && !inQuote)
      return { search: text.slice(0, i), sql: text.slice(i + 1), sqlOffset: i + 1 };
  }
  return { search: text, sqlOffset: text.length };
}
