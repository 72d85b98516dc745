// Errors of the query language: Presto-style text plus where in the query it happened.
export class QueryError extends Error {
  constructor(
    message: string,
    /** 0-based character offset into the whole query text, when known. */
    readonly position?: number,
    /** Suggested replacement, e.g. the alias or field the user probably meant. */
    readonly suggestion?: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
