// Quoting of identifiers and string literals in the DuckDB SQL the dialect writes.

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A SQL string literal. DuckDB's parser ends a literal at a NUL character, so NULs are spliced in
 * with chr(0) (still a constant expression).
 */
export function quoteString(value: string): string {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\u0000') ? `(${quoted.split('\u0000').join("' || chr(0) || '")})` : quoted;
}
