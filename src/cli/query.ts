// `kaudit query 'QUERY'`: run an SLS query (search statement, optionally `| SQL`) on the store.
import { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { extname } from 'node:path';
import { once } from 'node:events';
import { QueryError } from '../query/errors.js';
import { compileQuery, type QueryContext } from '../query/index.js';
import { dialectFor, runQuery, type QueryOutput } from '../query/run.js';
import { exportParquet } from '../store/duckdb/export.js';
import { UserError } from './errors.js';
import {
  addOutputFlags,
  addStoreFlags,
  addTimeFlags,
  outputFormat,
  parseDuration,
  queryTimezone,
  storeLocation,
  timeRange,
  type OutputFlags,
  type OutputFormat,
  type StoreFlags,
  type TimeFlags,
} from './flags.js';
import { printResult, type PrintableResult } from './output.js';
import { withStore } from './store.js';
import { callServer, findServer } from './remote.js';
import { followSearch } from './follow.js';

interface QueryFlags extends StoreFlags, OutputFlags, TimeFlags {
  follow?: boolean;
  timeout?: string;
  limit?: string;
  page?: string;
  out?: string;
}

const EXAMPLES = `
Examples:
  kaudit query 'verb: delete and objectRef.resource: secrets' --since 24h
  kaudit query 'NOT user.username: node NOT user.username: serviceaccount' --page 2
  kaudit query '* | select "user.username", count(*) as n group by "user.username" order by n desc'
  kaudit query 'verb: create and objectRef.subresource: exec | select auditID, requestURI' --format csv
  kaudit query '* | select verb, count(*) as n group by verb' --from 2024-05-01 --to 2024-05-02 --json
  kaudit query '* | select * from log' --limit 100000 --out events.ndjson

A search alone prints matching events newest first, 100 a page (--page N, --limit N).
A SQL query without LIMIT returns 100 rows (as SLS); --limit N changes that default.
--out FILE writes the result to FILE: CSV (.csv), NDJSON (.ndjson, .jsonl), a JSON array (.json)
or Parquet (.parquet) for third-party tools.
The language is described in docs/query-language.md.`;

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UserError(`${flag} ${text} is not a whole number ≥ 1; write it like ${flag} 100.`);
  }
  return Number(text);
}

/** The query with a caret under the error position, then the suggestion. */
export function describeQueryError(err: QueryError, query: string): string {
  const lines = [`query error: ${err.message}`];
  if (err.position !== undefined && err.position >= 0 && err.position <= query.length) {
    const before = query.slice(0, err.position);
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = query.indexOf('\n', err.position);
    const line = query.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    const lineNo = before.split('\n').length;
    const col = err.position - lineStart;
    lines[0] += ` (line ${lineNo}, column ${col + 1})`;
    // Show at most 100 characters around the position so long one-line queries stay readable.
    const from = Math.max(0, col - 60);
    const shown = line.slice(from, from + 100);
    lines.push(`  ${from > 0 ? '…' : ''}${shown}`);
    lines.push(`  ${from > 0 ? ' ' : ''}${' '.repeat(col - from)}^`);
  }
  if (err.suggestion) lines.push(`  Did you mean "${err.suggestion}"?`);
  return lines.join('\n');
}

function outFileFormat(path: string): OutputFormat | 'parquet' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.json') return 'json';
  if (ext === '.parquet') return 'parquet';
  throw new UserError(`--out ${path} has no known extension; use .csv, .ndjson, .jsonl, .json or .parquet.`);
}

function printable(out: QueryOutput): PrintableResult {
  return out.kind === 'search' ? { events: out.events } : { columns: out.columns, rows: out.rows };
}

export function register(program: Command): void {
  const cmd = program
    .command('query')
    .description('run an SLS query: a search statement, optionally followed by | and SQL')
    .argument('<query>', "the query, e.g. 'verb: delete | select count(*) as n'")
    .option('--limit <n>', 'rows of a SQL query without LIMIT (default 100), or events per page of a search')
    .option('--page <n>', 'page of a search without SQL (1 = newest 100 events)')
    .option('--follow', 'stream new events matching a search as a running kaudit serve stores them')
    .option(
      '--timeout <dur>',
      'stop a query that runs longer than DUR (default $KAUDIT_QUERY_TIMEOUT, else 5m)',
    )
    .option(
      '--out <file>',
      'write the result to FILE (.csv, .ndjson, .jsonl, .json, .parquet) instead of printing it',
    );
  addStoreFlags(cmd);
  addOutputFlags(cmd);
  addTimeFlags(cmd);
  cmd.addHelpText('after', EXAMPLES);
  cmd.action(async (query: string, flags: QueryFlags) => {
    const tz = queryTimezone(flags);
    const range = timeRange(flags, tz);
    const limit = positiveInt(flags.limit, '--limit');
    const page = positiveInt(flags.page, '--page');
    const fileFormat = flags.out ? outFileFormat(flags.out) : undefined;
    const format = outputFormat(flags);
    const pageSize = limit ?? 100;
    const timeoutText = flags.timeout ?? process.env.KAUDIT_QUERY_TIMEOUT ?? '5m';
    const timeoutMs =
      parseDuration(timeoutText, flags.timeout ? '--timeout' : '$KAUDIT_QUERY_TIMEOUT') * 1000;
    const ctx: QueryContext = {
      timezone: tz,
      ...(range.from !== undefined ? { from: range.from } : {}),
      ...(range.to !== undefined ? { to: range.to } : {}),
      ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(page !== undefined ? { offset: (page - 1) * pageSize } : {}),
    };
    const server = findServer(storeLocation(flags).path);
    if (flags.follow) {
      if (!server) {
        throw new UserError(
          `--follow needs a running kaudit serve on ${storeLocation(flags).path} (it streams what the server stores); start one with kaudit serve`,
        );
      }
      await followSearch(server, query, { cluster: flags.cluster, timezone: tz }, (ev) => {
        if (format === 'table')
          printResult({ kind: 'search', events: [ev] } as PrintableResult, 'table', process.stdout, {
            timezone: tz,
          });
        else process.stdout.write(JSON.stringify(ev) + '\n');
      });
      return;
    }
    if (server) {
      // The store is owned by kaudit serve: ask it (DuckDB allows one process per file).
      if (fileFormat === 'parquet') {
        throw new UserError(
          `--out ${flags.out}: Parquet export is not available through kaudit serve (${server.url}); use .csv or .ndjson, or stop the server`,
        );
      }
      let answer: { kind: 'sql' | 'search'; columns: { name: string; type: string }[]; rows: unknown[][] };
      try {
        answer = (await callServer(server, '/api/v1/query', {
          query,
          timezone: tz,
          from: range.from,
          to: range.to,
          cluster: flags.cluster,
          limit,
          offset: ctx.offset,
        })) as typeof answer;
      } catch (err) {
        const e = err as UserError & { position?: number; suggestion?: string; status?: number };
        if (e.status === 400)
          throw new UserError(
            describeQueryError(
              new QueryError(e.message, e.position ?? undefined, e.suggestion ?? undefined),
              query,
            ),
          );
        throw err;
      }
      const out: QueryOutput =
        answer.kind === 'search'
          ? { kind: 'search', sql: '', events: answer.rows.map((r) => r[0] as Record<string, unknown>) }
          : { kind: 'sql', sql: '', columns: answer.columns, rows: answer.rows };
      await emit(out);
      return;
    }
    await withStore(flags, async (store) => {
      if (flags.out && fileFormat === 'parquet') {
        if (store.kind !== 'duckdb') {
          throw new UserError(
            `--out ${flags.out}: Parquet export works on a DuckDB store only; on ${store.location} use .csv or .ndjson`,
          );
        }
        let compiled;
        try {
          compiled = compileQuery(query, ctx, dialectFor(store));
        } catch (err) {
          if (err instanceof QueryError) throw new UserError(describeQueryError(err, query));
          throw err;
        }
        // A search exports each original event as JSON text beside its system fields.
        const sql =
          compiled.kind === 'search'
            ? `SELECT "_raw" AS "event", "__time__", "__source__", "cluster" FROM (${compiled.sql})`
            : compiled.sql;
        const n = await exportParquet(store, sql, flags.out);
        process.stderr.write(`kaudit: wrote ${n} row${n === 1 ? '' : 's'} to ${flags.out}\n`);
        return;
      }
      let out: QueryOutput;
      try {
        out = await runQuery(store, query, ctx, timeoutMs > 0 ? { timeoutMs } : {});
      } catch (err) {
        if (err instanceof QueryError) throw new UserError(describeQueryError(err, query));
        throw err;
      }
      await emit(out);
    });

    async function emit(out: QueryOutput): Promise<void> {
      if (flags.out && fileFormat && fileFormat !== 'parquet') {
        const stream = createWriteStream(flags.out);
        printResult(printable(out), fileFormat, stream);
        stream.end();
        await once(stream, 'finish');
        const n = out.kind === 'search' ? out.events.length : out.rows.length;
        process.stderr.write(`kaudit: wrote ${n} row${n === 1 ? '' : 's'} to ${flags.out}\n`);
        return;
      }
      printResult(printable(out), format, process.stdout, { timezone: tz });
      if (out.kind === 'search' && format === 'table' && out.events.length === pageSize) {
        process.stderr.write(`(more events may follow: --page ${(page ?? 1) + 1})\n`);
      }
    }
  });
}
