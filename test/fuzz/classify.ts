// How the fuzzer judges one query's outcome. The property (issue 3, point 4): the process never
// crashes or hangs and always returns rows or a clear error.
//  - rows: the query ran;
//  - refused: a QueryError or UserError — the errors kaudit means users to see (including the
//    per-query timeout);
//  - runtime: DuckDB refused the data at run time (a failed cast, a bad regex, a value out of
//    range): the message is DuckDB's, but it is a clear one-line reason tied to the query;
//  - gap: DuckDB could not bind or parse the SQL the compiler produced (Binder/Parser/Catalog
//    error). The user's query should have been refused by the compiler with a Presto-style error
//    or compiled correctly: a compiler bug, but still an orderly error;
//  - bug: anything else — a JavaScript exception (TypeError, RangeError…), a DuckDB INTERNAL error,
//    an error without a message. These fail the fuzz test.
import { UserError } from '../../src/cli/errors.js';
import { QueryError } from '../../src/query/errors.js';

export type OutcomeKind = 'rows' | 'refused' | 'runtime' | 'gap' | 'bug';

export interface Outcome {
  kind: OutcomeKind;
  /** First line of the error message (none for rows). */
  message?: string;
}

const RUNTIME =
  /^(Conversion|Out of Range|Invalid Input|Out of Memory|Not implemented|Invalid|Constraint) Error:/;
const GAP = /^(Binder|Parser|Catalog|Syntax|Dependency) Error:/;

/** The store's statement check wraps what DuckDB says when it cannot prepare the compiled SQL. */
const WRAPPED =
  /^(The query cannot run|The compiled query could not be parsed): (Failed to extract statements: )?/;

export function classify(error: unknown): Outcome {
  if (error instanceof QueryError || error instanceof UserError) {
    const message = error.message.split('\n')[0];
    if (message.trim() === '') return { kind: 'bug', message: `${error.name} without a message` };
    if (WRAPPED.test(message)) {
      const inner = message.replace(WRAPPED, '');
      if (GAP.test(inner)) return { kind: 'gap', message: inner };
      if (RUNTIME.test(inner)) return { kind: 'runtime', message: inner };
    }
    return { kind: 'refused', message };
  }
  if (!(error instanceof Error)) return { kind: 'bug', message: `non-Error thrown: ${String(error)}` };
  const message = error.message.split('\n')[0];
  if (error.constructor !== Error) return { kind: 'bug', message: `${error.name}: ${message}` };
  if (RUNTIME.test(message)) return { kind: 'runtime', message };
  if (GAP.test(message)) return { kind: 'gap', message };
  return { kind: 'bug', message: message || 'Error without a message' };
}

/** Groups messages that differ only in quoted names and numbers, for a short summary. */
export function signature(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}
