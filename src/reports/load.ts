// Loading report definitions: the built-in reports/ directory of the installation plus any
// directories in $KAUDIT_REPORTS_DIR (separated by ':'). Each YAML file is validated with zod and
// then checked the way a user would trip over it: ids unique, every `${name}` in a query declared,
// every query parsing as SLS with a SQL part. Errors name the file and the panel.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../cli/errors.js';
import { compileQuery } from '../query/index.js';
import { QueryError } from '../query/errors.js';
import { splitQuery } from '../query/split.js';
import { duckDbDialect } from '../store/duckdb/dialect/index.js';
import { reportSchema, type ReportDefinition } from './model.js';
import { placeholders, substitute } from './params.js';

/** The built-in reports first, in this order; other reports follow by id. */
const BUILTIN_ORDER = ['overview', 'operations', 'resource', 'mesh'];

/** The reports/ directory of the installed package (searched upward from src/ or dist/src/). */
export function builtinReportsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'reports');
    if (existsSync(join(candidate, 'overview.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('the built-in reports/ directory is missing from the kaudit installation');
}

/** Directories to load: the built-in one, then $KAUDIT_REPORTS_DIR. */
export function reportDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.KAUDIT_REPORTS_DIR ?? '')
    .split(':')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => resolve(d));
  return [builtinReportsDir(), ...extra];
}

function zodMessage(file: string, error: import('zod').ZodError, doc: unknown): string {
  const issue = error.issues[0];
  const path = issue.path;
  // Name the panel by its id when the problem is inside one.
  let where = path.join('.');
  const tabs = (doc as { tabs?: { id?: unknown; panels?: { id?: unknown }[] }[] })?.tabs;
  if (path[0] === 'tabs' && typeof path[1] === 'number' && Array.isArray(tabs)) {
    const tab = tabs[path[1]];
    where = `tab ${String(tab?.id ?? path[1])}`;
    if (path[2] === 'panels' && typeof path[3] === 'number') {
      where += `, panel ${String(tab?.panels?.[path[3]]?.id ?? path[3])}`;
      if (path.length > 4) where += `, field ${path.slice(4).join('.')}`;
    } else if (path.length > 2) where += `, field ${path.slice(2).join('.')}`;
  }
  return `${file}: ${where ? where + ': ' : ''}${issue.message}; fix the report file (see docs/reports.md).`;
}

/** Parses and checks one report file; throws UserError naming the file (and panel). */
export function loadReportFile(file: string): ReportDefinition {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file} is not valid YAML (${(e as Error).message.split('\n')[0]}); fix the file.`);
  }
  const parsed = reportSchema.safeParse(doc);
  if (!parsed.success) throw new UserError(zodMessage(file, parsed.error, doc));
  const report: ReportDefinition = { ...parsed.data, file };
  const expectedId = basename(file).replace(/\.ya?ml$/, '');
  if (report.id !== expectedId) {
    throw new UserError(
      `${file}: the report id "${report.id}" differs from the file name; name the file ${report.id}.yaml.`,
    );
  }
  checkReport(report);
  return report;
}

/** Cross-field checks: unique ids, declared parameters, queries that compile. */
function checkReport(report: ReportDefinition): void {
  const { file } = report;
  const tabIds = new Set<string>();
  const panelIds = new Set<string>();
  const declared = new Set(report.params.map((p) => p.name));
  const defaults = Object.fromEntries(report.params.map((p) => [p.name, p.default]));
  for (const tab of report.tabs) {
    if (tabIds.has(tab.id))
      throw new UserError(`${file}: tab id "${tab.id}" is used twice; give each tab its own id.`);
    tabIds.add(tab.id);
    for (const panel of tab.panels) {
      const where = `${file}: panel ${panel.id}`;
      if (panelIds.has(panel.id)) {
        throw new UserError(
          `${where}: the panel id is used twice in the report; give each panel its own id.`,
        );
      }
      panelIds.add(panel.id);
      for (const name of placeholders(panel.query)) {
        if (!declared.has(name)) {
          throw new UserError(
            `${where}: the query uses \${${name}} but the report declares no such parameter; add it under params or remove it.`,
          );
        }
      }
      const query = substitute(panel.query, defaults);
      if (splitQuery(query).sql === undefined) {
        throw new UserError(
          `${where}: the query has no SQL part; a panel shows a SQL result, so add | select ….`,
        );
      }
      try {
        compileQuery(query, { timezone: 'UTC' }, duckDbDialect);
      } catch (e) {
        if (e instanceof QueryError) {
          const at = e.position !== undefined ? ` at character ${e.position + 1}` : '';
          throw new UserError(`${where}: the query does not compile${at}: ${e.message}; fix the query.`);
        }
        throw e;
      }
    }
  }
}

/** Every report in `dirs`, built-in ones first. Two files with one id are an error. */
export function loadReports(dirs: string[] = reportDirs()): ReportDefinition[] {
  const byId = new Map<string, ReportDefinition>();
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      throw new UserError(`the reports directory ${dir} does not exist; check $KAUDIT_REPORTS_DIR.`);
    }
    for (const name of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const report = loadReportFile(join(dir, name));
      const other = byId.get(report.id);
      if (other) {
        throw new UserError(
          `${report.file}: report id "${report.id}" is already defined by ${other.file}; rename one of them.`,
        );
      }
      byId.set(report.id, report);
    }
  }
  const rank = (id: string) => {
    const i = BUILTIN_ORDER.indexOf(id);
    return i === -1 ? BUILTIN_ORDER.length : i;
  };
  return [...byId.values()].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** The report `id` among `reports`, or one sentence listing the ones there are. */
export function findReport(reports: ReportDefinition[], id: string): ReportDefinition {
  const report = reports.find((r) => r.id === id);
  if (!report) {
    throw new UnknownReportError(
      `there is no report "${id}"; the reports are ${reports.map((r) => r.id).join(', ')}.`,
    );
  }
  return report;
}

/** A report name that does not exist (the HTTP API answers 404 for it). */
export class UnknownReportError extends UserError {}
