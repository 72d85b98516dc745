// The second wall of the query sandbox: DuckDB's own configuration. The first wall is the query
// compiler's allowlist (functions, relations, statement kinds over the parsed SLS query); this one
// holds even if a query slipped past it. What it guarantees, verified on DuckDB 1.5.6
// (test/sandbox/config.test.ts):
//  - no file or network access outside the store's own directories (`enable_external_access=false`
//    with `allowed_directories` = partitions + spill directory): read_csv/read_text/read_json/glob/
//    sniff_csv/COPY/EXPORT/ATTACH elsewhere fail with a Permission Error;
//  - no extension install or load (autoinstall/autoload off, external extensions refused);
//  - no configuration change once locked (`lock_configuration`): SET/RESET/PRAGMA of settings fail;
//  - bounded resources: a global memory limit that spills to a bounded temp directory, and a timer
//    that interrupts a query running too long;
//  - exactly one read-only statement per query (checked by DuckDB's own parser, prepareReadOnlySelect).
// Why the split between instance options and SQL: DuckDB 1.5.6 refuses `allowed_directories` (and
// `enable_external_access=false` before `temp_directory`) in the instance configuration through the
// C API, so the directories are set with SET right before locking.
import { totalmem } from 'node:os';
import { resolve, sep } from 'node:path';
import { DuckDBConnection, type DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { QueryError } from '../../query/errors.js';

export interface SandboxLimits {
  /** DuckDB memory limit for the whole instance (e.g. `4GB`); beyond it operators spill to disk. */
  memoryLimit?: string;
  /** Cap on the spill directory (e.g. `20GB`). */
  maxTempDirectorySize?: string;
  /** Worker threads; DuckDB's default (all cores) when unset. */
  threads?: number;
  /** WAL size that triggers a checkpoint (e.g. `1GB`); see defaultCheckpointThreshold. */
  checkpointThreshold?: string;
}

/**
 * Limits from the environment: KAUDIT_MEMORY_LIMIT, KAUDIT_MAX_TEMP_SIZE, KAUDIT_THREADS,
 * KAUDIT_CHECKPOINT_THRESHOLD.
 */
export function sandboxLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxLimits {
  const threads = env.KAUDIT_THREADS ? Number(env.KAUDIT_THREADS) : undefined;
  return {
    memoryLimit: env.KAUDIT_MEMORY_LIMIT || undefined,
    maxTempDirectorySize: env.KAUDIT_MAX_TEMP_SIZE || undefined,
    threads: threads !== undefined && Number.isInteger(threads) && threads > 0 ? threads : undefined,
    checkpointThreshold: env.KAUDIT_CHECKPOINT_THRESHOLD || undefined,
  };
}

/** A quarter of the machine's memory (at least 512 MiB): kaudit shares its host with the cluster it audits. */
export function defaultMemoryLimit(totalBytes = totalmem()): string {
  const mib = Math.max(512, Math.floor(totalBytes / 4 / 2 ** 20));
  return `${mib}MB`;
}

/**
 * Half the memory limit, at most 1 GB (DuckDB's own default is 16 MB). A checkpoint compresses and
 * rewrites the row groups that changed since the last one, so the last, partly filled row group of a
 * partition was rewritten whole at every checkpoint: with the default, a `kaudit serve` that commits
 * each webhook batch (~20,000 events, 60 MB of WAL) checkpointed at every commit and spent seconds
 * re-compressing the same rows. Committed rows wait in the WAL (and in memory) until the threshold, or
 * until the store checkpoints an idle partition (DuckDbStore) or closes.
 */
export function defaultCheckpointThreshold(memoryLimit: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*(MB|GB|MiB|GiB)$/i.exec(memoryLimit.trim());
  const limitMib = m ? Number(m[1]) * (/^g/i.test(m[2]) ? 1024 : 1) : 512;
  const mib = Math.min(1024, Math.floor(limitMib / 2));
  return `${Math.max(16, mib)}MB`;
}

/**
 * Options for DuckDBInstance.create for a store whose files live under `dataDir`, spilling to
 * `tempDir`. `dataDir` is confined later, by lockSandbox (see the header for why).
 */
export function sandboxInstanceOptions(
  _dataDir: string,
  tempDir: string,
  limits: SandboxLimits = sandboxLimitsFromEnv(),
): Record<string, string> {
  const options: Record<string, string> = {
    temp_directory: tempDir,
    memory_limit: limits.memoryLimit ?? defaultMemoryLimit(),
    max_temp_directory_size: limits.maxTempDirectorySize ?? '20GB',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    allow_persistent_secrets: 'false',
    // New files in the v1.3 storage format: it can compress long strings (DICT_FSST), which the
    // original JSON (`_raw`) and the full-text column (`_text`) are. In the default (v0.10) format
    // DuckDB keeps them uncompressed: 4.5 KB per event instead of 1.4 KB, and full-text scans read
    // 2-3× more. Older DuckDB releases (< 1.3) cannot open such files; kaudit pins its DuckDB.
    storage_compatibility_version: 'v1.3.0',
  };
  if (limits.threads !== undefined) options.threads = String(limits.threads);
  options.checkpoint_threshold =
    limits.checkpointThreshold ?? defaultCheckpointThreshold(options.memory_limit);
  return options;
}

function asDirectory(path: string): string {
  const absolute = resolve(path);
  return absolute.endsWith(sep) ? absolute : absolute + sep;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJS()[0]?.[0];
}

/**
 * The directories a store needs when none are given: its spill directory and the directory of every
 * attached database file (the main file's directory holds the partition directory).
 */
async function storeDirectories(conn: DuckDBConnection): Promise<string[]> {
  const dirs: string[] = [];
  const temp = await scalar(conn, "SELECT current_setting('temp_directory')");
  if (typeof temp === 'string' && temp !== '') dirs.push(temp);
  const reader = await conn.runAndReadAll('SELECT path FROM duckdb_databases() WHERE path IS NOT NULL');
  for (const [path] of reader.getRowsJS()) {
    if (typeof path === 'string' && path !== '' && path !== ':memory:') dirs.push(resolve(path, '..'));
  }
  return dirs;
}

export interface LockOptions {
  /**
   * Directories queries and the store may touch: the partition directory and the spill directory.
   * Default: the spill directory and the directories of the attached database files.
   */
  allowedDirectories?: readonly string[];
}

/**
 * Confines file access to the store's directories and locks the configuration. Call it once, after
 * the store has attached its partition files; ATTACH of further partitions inside the allowed
 * directories keeps working, everything else that touches files or settings is refused.
 */
export async function lockSandbox(conn: DuckDBConnection, opts: LockOptions = {}): Promise<void> {
  const external = await scalar(conn, "SELECT current_setting('enable_external_access')");
  if (external !== false) {
    const dirs = [...new Set((opts.allowedDirectories ?? (await storeDirectories(conn))).map(asDirectory))];
    await conn.run(`SET allowed_directories = [${dirs.map(sqlString).join(', ')}]`);
    await conn.run('SET enable_external_access = false');
  }
  await conn.run('SET lock_configuration = true');
}

/**
 * Parses and prepares `sql` with DuckDB's own parser and refuses anything but exactly one SELECT: a
 * second statement, DDL/DML, SET/PRAGMA assignments, ATTACH, COPY, CALL, EXPORT… The query compiler's
 * allowlist is the first wall; this is the second. The
 * prepared statement is returned for the caller to run (and destroy): running it directly saves a
 * second parse, bind and plan of the same text, which on a store of many day partitions is a large
 * share of a small query's time.
 */
export async function prepareReadOnlySelect(
  conn: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  if (sql.trim() === '') throw new QueryError('The query is empty.');
  let prepared;
  try {
    // DuckDB's prepare refuses more than one statement itself; the statements are only counted
    // (a second parse) to say how many there were.
    prepared = await conn.prepare(sql);
  } catch (error) {
    let count: number;
    try {
      count = (await conn.extractStatements(sql)).count;
    } catch (parseError) {
      throw new QueryError(`The compiled query could not be parsed: ${firstLine(parseError)}`);
    }
    if (count !== 1) throw new QueryError(`A query must be exactly one statement; this one has ${count}.`);
    // Binding already applies the configuration (e.g. a COPY target outside the allowed directories).
    throw new QueryError(`The query cannot run: ${firstLine(error)}`);
  }
  const kind = prepared.statementType;
  if (kind !== StatementType.SELECT) {
    prepared.destroySync();
    throw new QueryError(`Only SELECT queries may run; this is a ${StatementType[kind]} statement.`);
  }
  return prepared;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** Thrown when a query was interrupted for running too long. */
export class QueryTimeoutError extends QueryError {
  constructor(readonly timeoutMs: number) {
    super(
      `The query ran longer than ${timeoutMs} ms and was stopped; narrow the time range or the search, or aggregate more.`,
    );
    this.name = 'QueryTimeoutError';
  }
}

/**
 * Runs `fn` (which uses `conn`) and interrupts the connection's running query after `ms`
 * milliseconds. An interrupted query rejects with QueryTimeoutError. `ms` ≤ 0 means no limit.
 */
export async function withQueryTimeout<T>(
  conn: DuckDBConnection,
  ms: number,
  fn: () => Promise<T>,
): Promise<T> {
  if (!(ms > 0)) return fn();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    conn.interrupt();
  }, ms);
  try {
    return await fn();
  } catch (error) {
    if (fired && /interrupt/i.test(firstLine(error))) throw new QueryTimeoutError(ms);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
