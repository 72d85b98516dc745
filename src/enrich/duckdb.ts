// Registers the IP functions (catalog.ts) on a DuckDB instance.
//
// Each function exists in two forms, both instance-wide (every connection, also ones opened later):
//  - `kaudit_<name>` (the name the dialect calls): a JavaScript scalar function. DuckDB hands it
//    vectors of up to 2048 rows on the JS thread; answers are memoised by argument across vectors
//    and queries, and the Enricher caches each address's location. It is correct in every SQL
//    context. Its cost is the crossing into JavaScript for every row (~2 µs): a GROUP BY over a
//    million raw events pays that a million times.
//  - `kaudit_fn.kaudit_<name>`: a macro `(SELECT kaudit_<name>(…))` in a small in-memory catalog
//    `kaudit_fn`. A scalar subquery over outer columns makes DuckDB's planner evaluate it once per
//    DISTINCT argument value and join the answer back (a delim join), so a million events with ten
//    thousand client addresses cross into JavaScript ten thousand times (bench/enrich.bench.ts:
//    ~1.2× a join against a precomputed table, against ~15× for the per-row form).
//    It does not fit everywhere (DuckDB binder): not inside TRY(), not around a window function or
//    a lambda parameter, and not in the SELECT/HAVING/ORDER BY of an aggregated query when its
//    argument is an expression over a GROUP BY key rather than a key itself (there the per-row form
//    runs once per group anyway). The dialect picks the form (WHERE, GROUP BY keys, plain SELECTs).
import {
  BIGINT,
  BOOLEAN,
  DuckDBConnection,
  DuckDBScalarFunction,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { delimiter } from 'node:path';
import { UserError } from '../cli/errors.js';
import {
  ENRICH_FUNCTIONS,
  type EnrichFunction,
  type EnrichParamType,
  type EnrichReturnType,
} from './catalog.js';
import { Enricher, type EnricherOptions } from './enricher.js';

export interface EnrichOptions {
  /** Locale of country names: 'en' or 'zh'. Default: $KAUDIT_GEO_LOCALE, else 'en'. */
  locale?: 'en' | 'zh';
  /**
   * Files of IPs/CIDRs (one per line, `#` comments) for security_check_ip.
   * Default: $KAUDIT_THREAT_LISTS (paths separated by ':'), else none.
   */
  threatLists?: string[];
  /** Advanced: data file overrides, cache size, threat-list reload options. */
  enricher?: Omit<EnricherOptions, 'locale' | 'threatLists'>;
}

const PARAM_TYPES: Record<EnrichParamType, DuckDBType> = { varchar: VARCHAR, bigint: BIGINT };
const RETURN_TYPES: Record<EnrichReturnType, DuckDBType> = {
  varchar: VARCHAR,
  bigint: BIGINT,
  boolean: BOOLEAN,
  array: LIST(VARCHAR),
};

/** The catalog holding the deduplicating macros. */
export const DEDUP_CATALOG = 'kaudit_fn';

/** The deduplicating form of an entry: `kaudit_ip_to_country` → `kaudit_fn.kaudit_ip_to_country`. */
export function dedupName(fn: EnrichFunction): string {
  return `${DEDUP_CATALOG}.${fn.sqlName}`;
}

/** The defaults of EnrichOptions from the environment; a bad value is a UserError naming the variable. */
export function enrichOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<EnrichOptions, 'locale' | 'threatLists'> {
  const locale = env.KAUDIT_GEO_LOCALE?.trim();
  if (locale !== undefined && locale !== '' && locale !== 'en' && locale !== 'zh') {
    throw new UserError(
      `KAUDIT_GEO_LOCALE is '${locale}'; set it to 'en' or 'zh' (or unset it for English).`,
    );
  }
  const lists = (env.KAUDIT_THREAT_LISTS ?? '')
    .split(delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return {
    ...(locale ? { locale: locale as 'en' | 'zh' } : {}),
    ...(lists.length ? { threatLists: lists } : {}),
  };
}

// One Enricher per distinct configuration, shared by every connection and store in the process:
// the geo data (~130 MB) is loaded once.
const enrichers = new Map<string, Enricher>();

export function enricherFor(opts: EnrichOptions): Enricher {
  const key = JSON.stringify([opts.locale ?? 'en', opts.threatLists ?? [], opts.enricher ?? {}]);
  let enricher = enrichers.get(key);
  if (enricher === undefined) {
    enricher = new Enricher({ ...opts.enricher, locale: opts.locale, threatLists: opts.threatLists });
    enrichers.set(key, enricher);
  }
  return enricher;
}

function toDuckDb(value: ReturnType<EnrichFunction['evaluate']>, returns: EnrichReturnType): DuckDBValue {
  if (value === null) return null;
  if (returns === 'bigint') return BigInt(value as number);
  if (returns === 'array') return listValue(value as string[]);
  return value as string | boolean;
}

/** Distinct argument tuples whose answers a function keeps (then it starts over). */
const MEMO_LIMIT = 100_000;

function scalarFunction(fn: EnrichFunction, enricher: Enricher, name: string): DuckDBScalarFunction {
  const arity = fn.params.length;
  // Answers by argument tuple, across vectors and queries: a plain Map lookup is the cheapest thing
  // that can happen per row (the Enricher's own cache refreshes recency on every hit). Dropped whole
  // when it grows past MEMO_LIMIT, and for security_check_ip whenever a threat list is reloaded.
  const memo = new Map<string, DuckDBValue>();
  let generation = enricher.threatListGeneration;
  return DuckDBScalarFunction.create({
    name,
    parameterTypes: fn.params.map((p) => PARAM_TYPES[p]),
    returnType: RETURN_TYPES[fn.returns],
    // The threat lists can change between calls with the same argument.
    volatile: fn.sqlName === 'kaudit_security_check_ip',
    mainFunction: (info, input, output) => {
      try {
        if (fn.sqlName === 'kaudit_security_check_ip') {
          enricher.refreshThreatLists();
          if (enricher.threatListGeneration !== generation) {
            memo.clear();
            generation = enricher.threatListGeneration;
          }
        }
        if (memo.size > MEMO_LIMIT) memo.clear();
        const columns = Array.from({ length: arity }, (_, i) => input.getColumnVector(i));
        const args: (string | number)[] = new Array<string | number>(arity);
        for (let row = 0; row < input.rowCount; row++) {
          let key = '';
          let isNull = false;
          for (let i = 0; i < arity; i++) {
            const item = columns[i].getItem(row);
            if (item === null) {
              isNull = true;
              break;
            }
            args[i] = typeof item === 'bigint' ? Number(item) : String(item);
            key = i === 0 ? String(args[i]) : `${key}\u0000${args[i]}`;
          }
          if (isNull) {
            output.setItem(row, null);
            continue;
          }
          let result = memo.get(key);
          if (result === undefined) {
            result = toDuckDb(fn.evaluate(enricher, args), fn.returns);
            memo.set(key, result);
          }
          output.setItem(row, result);
        }
        output.flush();
      } catch (error) {
        // A bad constant argument (EnrichArgumentError) or unreadable data: fail the query with the reason.
        info.setError(error instanceof Error ? error.message : String(error));
      }
    },
  });
}

function macroSql(fn: EnrichFunction): string {
  const params = fn.params.map((_, i) => `a${i}`).join(', ');
  return `CREATE OR REPLACE MACRO ${DEDUP_CATALOG}.main.${fn.sqlName}(${params}) AS (SELECT ${fn.sqlName}(${params}))`;
}

/** True when this instance already has every function and macro (from an earlier registration). */
async function isRegistered(conn: DuckDBConnection): Promise<boolean> {
  const names = Object.values(ENRICH_FUNCTIONS).map((fn) => `'${fn.sqlName}'`);
  const reader = await conn.runAndReadAll(
    `SELECT count(DISTINCT database_name || '.' || function_name)::INTEGER FROM duckdb_functions()
     WHERE function_name IN (${names.join(', ')}) AND database_name IN ('system', '${DEDUP_CATALOG}')`,
  );
  return reader.getRowsJS()[0][0] === names.length * 2;
}

/**
 * Registers every function of ENRICH_FUNCTIONS and its deduplicating macro on the instance of
 * `conn`, once: a later call on the same instance (any connection) finds them and does nothing, so
 * connections opened concurrently do not race on the catalog. The first registration's options
 * apply. Call it before the sandbox locks the configuration (it ATTACHes the in-memory `kaudit_fn`
 * catalog). The geo data loads on first use.
 */
export async function registerEnrichFunctions(
  conn: DuckDBConnection,
  opts: EnrichOptions = {},
): Promise<void> {
  const enricher = enricherFor({ ...enrichOptionsFromEnv(), ...opts });
  if (await isRegistered(conn)) return;
  for (const fn of Object.values(ENRICH_FUNCTIONS)) {
    conn.registerScalarFunction(scalarFunction(fn, enricher, fn.sqlName));
  }
  try {
    await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS ${DEDUP_CATALOG}`);
    for (const fn of Object.values(ENRICH_FUNCTIONS)) await conn.run(macroSql(fn));
  } catch (error) {
    // Another connection registering at the same moment wins the catalog race: fine if it finished.
    if (!(await isRegistered(conn))) throw error;
  }
}
