// The Store interface: what every backend (DuckDB now, ClickHouse later) offers the rest of kaudit.
// Nothing above this interface writes backend SQL by hand except the query dialects
// (src/store/<backend>/dialect), which compile SLS query ASTs for their own engine.

/** Name of the relation (view) holding every stored event of every retained partition. */
export const EVENTS_RELATION = 'kaudit_events';

export interface ResultColumn {
  name: string;
  /** Engine type name as reported by the backend, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP`. */
  type: string;
}

export interface QueryResult {
  columns: ResultColumn[];
  /** Row values as plain JS: number | bigint | string | boolean | null | arrays/objects for nested types. */
  rows: unknown[][];
}

export interface QueryOptions {
  /** Interrupt the query after this many milliseconds (default from config). */
  timeoutMs?: number;
  /**
   * The SQL was written by the kaudit compiler (every column a quoted identifier), so the store
   * may read just the columns it names instead of the whole events relation.
   */
  compiled?: boolean;
}

/** A row prepared for ingest: the decoded event and what ingest computed about it. */
export interface IngestRow {
  /** 128-bit identity hash (DESIGN.md "Identity of an event"). */
  id: bigint;
  cluster: string;
  /** unix seconds (DESIGN.md `__time__`). */
  time: number;
  /** microseconds since the epoch of the same instant. */
  timeUs: number;
  source: string;
  /** The Event as minified JSON (after policy trimming/redaction). */
  raw: string;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
  /** Identities in the batch that were already stored before it (for exact per-sender counts). */
  alreadyStored?: Set<bigint>;
}

export interface RejectRecord {
  source: string;
  line: number;
  reason: string;
  raw: string;
}

/** One stored application document (alert state, history, messages, saved searches …). */
export interface StoredDocument<T = unknown> {
  id: string;
  value: T;
  /** Unix seconds of the last write. */
  updated: number;
}

export interface ListDocumentsOptions {
  /** Only ids starting with this text. */
  prefix?: string;
  /** At most this many, newest write first (default: all, ordered by id). */
  limit?: number;
}

/**
 * Small JSON documents that kaudit keeps beside the events: keyed by a kind (`alert-state`,
 * `message`, `saved-search` …) and an id, replaced whole on write. Not for events: no bulk path.
 */
export interface DocumentStore {
  putDocument(kind: string, id: string, value: unknown): Promise<void>;
  getDocument<T = unknown>(kind: string, id: string): Promise<T | undefined>;
  listDocuments<T = unknown>(kind: string, opts?: ListDocumentsOptions): Promise<StoredDocument<T>[]>;
  /** True when a document was deleted. */
  deleteDocument(kind: string, id: string): Promise<boolean>;
}

export interface Store extends DocumentStore {
  readonly kind: 'duckdb' | 'clickhouse';
  /** Human-readable location (file path or URL without password). */
  readonly location: string;
  /** Runs a compiled, sandbox-checked read-only SELECT and returns all rows. */
  querySql(sql: string, opts?: QueryOptions): Promise<QueryResult>;
  /** Stores a batch exactly once (by `id`); returns how many were new. Durable when it resolves. */
  ingest(rows: IngestRow[]): Promise<IngestResult>;
  /**
   * Optional bulk mode for a command that owns the store and imports many batches: ingests may stay
   * uncommitted (not yet durable) until `endBulk`, which commits them. Backends without it ignore it.
   */
  beginBulk?(): void;
  endBulk?(): Promise<void>;
  /** Records rejected input for `kaudit rejects`. */
  addRejects(rejects: RejectRecord[]): Promise<void>;
  /** Drops whole partitions received before `cutoffUnixSeconds`; returns what was dropped. */
  prune(cutoffUnixSeconds: number): Promise<{ partitions: string[]; events: number; bytes: number }>;
  close(): Promise<void>;
}
