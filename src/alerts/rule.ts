// Alert rule files (the contract in docs/alerts.md "Writing a rule"): Falco-style YAML with
// `lists`, `macros` and `rules`, built-ins in rules/*.yaml, users' files on top. Loading validates
// each file with zod, merges lists/macros (a later `append: true` extends), applies overrides and
// appended exceptions by rule id, expands the query placeholders and compiles every query, so a
// rule that loads is a rule that runs. Every problem names its file, its rule and the reason.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { compileQuery } from '../query/index.js';
import { QueryError } from '../query/errors.js';
import { duckDbDialect } from '../store/duckdb/dialect/index.js';
import { ConditionError, parseCondition } from './condition.js';
import { expandQuery, type ExpansionScope } from './placeholders.js';
import {
  durationSeconds,
  parseSchedule,
  parseWindow,
  type Schedule,
  type ScheduleSpec,
  type Window,
  type WindowSpec,
} from './schedule.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const AUDIT_LEVELS = ['Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
export const SOURCES = ['falco', 'sigma', 'ack', 'kaudit'] as const;

const NAME = /^[a-z0-9_]+$/;
const RULE_ID = /^[a-z0-9-]+$/;

const duration = z.union([z.string(), z.literal(0)]);
const scheduleSchema = z.union([z.string(), z.object({ cron: z.string() }).strict()]);
const windowSchema = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    delay: z.string().optional(),
    align: z.string().optional(),
  })
  .strict();
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const exceptionSchema = z
  .object({
    name: z.string().min(1),
    fields: z.array(z.string().min(1)).min(1),
    values: z.array(z.union([scalar, z.array(z.union([scalar, z.array(scalar)]))])).default([]),
  })
  .strict();
export type RuleException = z.infer<typeof exceptionSchema>;

const matchSchema = z
  .object({
    verbs: z.array(z.string()).optional(),
    resources: z.array(z.string()).optional(),
    namespaces: z.array(z.string()).optional(),
  })
  .strict();

const ruleFields = {
  name: z.string().min(1),
  description: z.string().default(''),
  source: z.enum(SOURCES).optional(),
  severity: z.enum(SEVERITIES),
  level: z.enum(AUDIT_LEVELS),
  match: matchSchema.default({}),
  enabled: z.boolean().default(true),
  schedule: scheduleSchema.default('1m'),
  window: windowSchema.optional(),
  queries: z
    .array(z.string().min(1))
    .min(1, 'a rule needs 1 to 3 queries')
    .max(3, 'a rule runs at most 3 queries'),
  condition: z.string().default(''),
  groupBy: z.array(z.string().min(1)).default([]),
  threshold: z.number().int().min(1).default(1),
  throttle: duration.default('0s'),
  /** kaudit extension: notify when a firing group stops matching (default true). */
  notifyResolved: z.boolean().default(true),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  channels: z.array(z.string().min(1)).optional(),
  exceptions: z.array(exceptionSchema).default([]),
};

const fullRuleSchema = z
  .object({ id: z.string().regex(RULE_ID, 'a rule id is [a-z0-9-]+'), ...ruleFields })
  .strict();

const overrideSchema = z
  .object({
    enabled: ruleFields.enabled.optional(),
    severity: ruleFields.severity.optional(),
    schedule: scheduleSchema.optional(),
    window: windowSchema.optional(),
    throttle: duration.optional(),
    channels: z.array(z.string().min(1)).optional(),
    threshold: z.number().int().min(1).optional(),
  })
  .strict();

const amendSchema = z
  .object({
    id: z.string().regex(RULE_ID, 'a rule id is [a-z0-9-]+'),
    override: overrideSchema.optional(),
    append: z
      .object({ exceptions: z.array(exceptionSchema) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.override || r.append, 'an amendment needs override or append');

const fileSchema = z
  .object({
    lists: z
      .array(
        z
          .object({
            list: z.string().regex(NAME, 'a list name is [a-z0-9_]+'),
            items: z.array(scalar).default([]),
            append: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
    macros: z
      .array(
        z
          .object({
            macro: z.string().regex(NAME, 'a macro name is [a-z0-9_]+'),
            search: z.string(),
            append: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
    rules: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

type FullRuleInput = z.infer<typeof fullRuleSchema>;
type AmendInput = z.infer<typeof amendSchema>;

/** A rule after loading: placeholders, overrides and exceptions applied; queries are plain SLS. */
export interface Rule {
  id: string;
  name: string;
  description: string;
  source: (typeof SOURCES)[number];
  severity: Severity;
  level: AuditLevel;
  match: { verbs: string[]; resources: string[]; namespaces: string[] };
  enabled: boolean;
  schedule: Schedule;
  window: Window;
  /** Expanded SLS queries (1–3). */
  queries: string[];
  /** The queries as written, before expansion. */
  rawQueries: string[];
  condition: string;
  groupBy: string[];
  threshold: number;
  /** seconds */
  throttle: number;
  notifyResolved: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Channel names; undefined = the configured default channels. */
  channels?: string[];
  exceptions: RuleException[];
  /** Output columns of each query (undefined for a search without SQL). */
  columns: (string[] | undefined)[];
  /** The file that defined the rule. */
  file: string;
}

export interface Problem {
  file: string;
  rule?: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Built-in rule files ship in `rules/` at the package root (beside dist/ and src/). */
export function builtinRulesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/alerts → ../../rules; dist/src/alerts → ../../../rules
  for (const up of ['../../rules', '../../../rules']) {
    const p = resolve(here, up);
    try {
      if (statSync(p).isDirectory()) return p;
    } catch {
      // try the next
    }
  }
  return resolve(here, '../../rules');
}

/** `path` as a list of rule files: a file as is, a directory's *.yaml / *.yml sorted by name. */
export function ruleFilesIn(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

interface Defined {
  input: FullRuleInput;
  file: string;
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}

/**
 * Loads rule files in order (built-ins first, then `paths`: files or directories). Unreadable or
 * invalid files, duplicate ids, bad placeholders and queries that do not compile are problems; the
 * rules that are fine load anyway.
 */
export async function loadRuleFiles(
  paths: string[],
  opts: { builtins?: boolean } = {},
): Promise<{ rules: Rule[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const files: string[] = [];
  if (opts.builtins !== false) files.push(...ruleFilesIn(builtinRulesDir()));
  for (const p of paths) {
    const found = ruleFilesIn(resolve(p));
    if (found.length === 0) {
      problems.push({
        file: p,
        message: `no rule file at ${p}; give a .yaml file or a directory of them`,
        severity: 'error',
      });
    }
    for (const f of found) if (!files.includes(f)) files.push(f);
  }

  const scope: ExpansionScope = { lists: new Map(), macros: new Map() };
  const defined = new Map<string, Defined>();
  const amendments: { input: AmendInput; file: string }[] = [];

  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (e) {
      problems.push({
        file,
        message: `not valid YAML: ${(e as Error).message.split('\n')[0]}`,
        severity: 'error',
      });
      continue;
    }
    const parsed = fileSchema.safeParse(doc);
    if (!parsed.success) {
      problems.push({ file, message: `invalid rule file: ${zodMessage(parsed.error)}`, severity: 'error' });
      continue;
    }
    for (const l of parsed.data.lists) {
      const items = l.items.map(String);
      const prev = scope.lists.get(l.list);
      if (l.append) {
        if (!prev) {
          problems.push({
            file,
            message: `list ${l.list} has append: true but no earlier file defines it`,
            severity: 'error',
          });
          continue;
        }
        prev.push(...items);
      } else {
        scope.lists.set(l.list, items);
      }
    }
    for (const m of parsed.data.macros) {
      const prev = scope.macros.get(m.macro);
      if (m.append) {
        if (prev === undefined) {
          problems.push({
            file,
            message: `macro ${m.macro} has append: true but no earlier file defines it`,
            severity: 'error',
          });
          continue;
        }
        scope.macros.set(m.macro, `${prev} ${m.search}`);
      } else {
        scope.macros.set(m.macro, m.search);
      }
    }
    for (const raw of parsed.data.rules) {
      const id = typeof raw.id === 'string' ? raw.id : undefined;
      if ('override' in raw || 'append' in raw) {
        const a = amendSchema.safeParse(raw);
        if (!a.success) {
          problems.push({
            file,
            rule: id,
            message: `invalid amendment: ${zodMessage(a.error)}`,
            severity: 'error',
          });
        } else amendments.push({ input: a.data, file });
        continue;
      }
      const r = fullRuleSchema.safeParse(raw);
      if (!r.success) {
        problems.push({ file, rule: id, message: `invalid rule: ${zodMessage(r.error)}`, severity: 'error' });
        continue;
      }
      const earlier = defined.get(r.data.id);
      if (earlier) {
        problems.push({
          file,
          rule: r.data.id,
          message: `rule id ${r.data.id} is already defined in ${earlier.file}; amend it with override/append or choose another id`,
          severity: 'error',
        });
        continue;
      }
      defined.set(r.data.id, { input: r.data, file });
    }
  }

  for (const { input, file } of amendments) {
    const target = defined.get(input.id);
    if (!target) {
      problems.push({
        file,
        rule: input.id,
        message: `amends rule ${input.id}, which no rule file defines`,
        severity: 'error',
      });
      continue;
    }
    const t = { ...target.input };
    if (input.override) {
      for (const [k, v] of Object.entries(input.override)) {
        if (v !== undefined) (t as Record<string, unknown>)[k] = v;
      }
    }
    if (input.append) t.exceptions = [...t.exceptions, ...input.append.exceptions];
    target.input = t;
  }

  const rules: Rule[] = [];
  for (const { input, file } of defined.values()) {
    const r = buildRule(input, file, scope, problems);
    if (r) rules.push(r);
  }
  return { rules, problems };
}

function sourceOf(input: FullRuleInput): Rule['source'] {
  if (input.source) return input.source;
  const prefix = input.id.split('-')[0];
  return (SOURCES as readonly string[]).includes(prefix) ? (prefix as Rule['source']) : 'kaudit';
}

function buildRule(
  input: FullRuleInput,
  file: string,
  scope: ExpansionScope,
  problems: Problem[],
): Rule | null {
  const fail = (message: string) => {
    problems.push({ file, rule: input.id, message, severity: 'error' });
    return null;
  };
  let schedule: Schedule;
  let window: Window;
  let throttle: number;
  try {
    schedule = parseSchedule(input.schedule as ScheduleSpec);
    window = parseWindow(input.window as WindowSpec | undefined, schedule);
    throttle = durationSeconds(input.throttle, 'throttle');
  } catch (e) {
    return fail((e as Error).message);
  }
  const queries: string[] = [];
  const columns: (string[] | undefined)[] = [];
  for (const [i, q] of input.queries.entries()) {
    let text: string;
    try {
      text = expandQuery(q, scope, i === 0 ? input.exceptions : []);
    } catch (e) {
      return fail(`query ${i + 1}: ${(e as Error).message}`);
    }
    try {
      const c = compileQuery(text, { timezone: 'UTC' }, duckDbDialect);
      columns.push(c.columns);
    } catch (e) {
      if (e instanceof QueryError) {
        const at =
          e.position !== undefined ? ` at position ${e.position + 1} of "${excerpt(text, e.position)}"` : '';
        return fail(`query ${i + 1} does not compile: ${e.message}${at}`);
      }
      throw e;
    }
    queries.push(text);
  }
  try {
    parseCondition(input.condition);
  } catch (e) {
    if (e instanceof ConditionError) return fail(`condition "${input.condition}": ${e.message}`);
    throw e;
  }
  return {
    id: input.id,
    name: input.name,
    description: input.description,
    source: sourceOf(input),
    severity: input.severity,
    level: input.level,
    match: {
      verbs: input.match.verbs ?? [],
      resources: input.match.resources ?? [],
      namespaces: input.match.namespaces ?? [],
    },
    enabled: input.enabled,
    schedule,
    window,
    queries,
    rawQueries: input.queries,
    condition: input.condition,
    groupBy: input.groupBy,
    threshold: input.threshold,
    throttle,
    notifyResolved: input.notifyResolved,
    labels: input.labels,
    annotations: input.annotations,
    ...(input.channels ? { channels: input.channels } : {}),
    exceptions: input.exceptions,
    columns,
    file,
  };
}

function excerpt(text: string, pos: number): string {
  const from = Math.max(0, pos - 30);
  return (from > 0 ? '…' : '') + text.slice(from, pos + 30) + (pos + 30 < text.length ? '…' : '');
}
