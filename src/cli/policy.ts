// `kaudit policy validate|lint|show|eval|simulate`: audit policy tools. Thin: parse flags, call
// src/policy, print. Each action is exported with an output sink so tests can run it in-process.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError } from './errors.js';
import { toJson } from './output.js';
import { addOutputFlags, addTimeFlags, queryTimezone, timeRange, type TimeFlags } from './flags.js';
import { InputError, readAuditEvents } from '../event/read.js';
import { planInputs } from '../ingest/inputs.js';
import {
  attributesFromInput,
  builtinPolicyText,
  DEFAULT_KUBE_VERSION,
  formatFieldError,
  lintPolicy,
  loadCompiledPolicy,
  loadPolicy,
  loadPolicyArgument,
  parseByteSize,
  parseRequestText,
  simulatePolicy,
  validatePolicy,
  type SimulationRecord,
} from '../policy/index.js';
import { renderFindings, renderSimulation, renderWarning } from '../policy/render.js';

/** Where an action writes: stdout and stderr in the CLI, buffers in tests. */
export interface PolicyIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `out` is a terminal (data reports default to a table there, JSON elsewhere). */
  isTTY?: boolean;
  /** Text of stdin, for `--request -`. */
  stdin?: () => Promise<string>;
}

const processIO: PolicyIO = {
  out: (t) => process.stdout.write(t),
  isTTY: process.stdout.isTTY === true,
  err: (t) => process.stderr.write(t),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

type Format = 'table' | 'json';

function formatOf(flags: { format?: string; json?: boolean }): Format {
  if (flags.json) return 'json';
  return flags.format === 'json' ? 'json' : 'table';
}

/** Data reports (lint findings, simulation) follow the shared contract: table on a terminal, else JSON. */
function dataFormatOf(flags: { format?: string; json?: boolean }, io: PolicyIO): Format {
  if (flags.json) return 'json';
  if (flags.format) return flags.format === 'json' ? 'json' : 'table';
  return io.isTTY ? 'table' : 'json';
}

export interface ValidateFlags {
  kubeVersion?: string;
  strict?: boolean;
  format?: string;
  json?: boolean;
}

/** Returns the exit code: 0 valid (warnings allowed), 1 invalid. */
export function runValidate(file: string, flags: ValidateFlags, io: PolicyIO = processIO): number {
  const kubeVersion = flags.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const { policy, warnings, label } = loadPolicyArgument(file);
  const r = validatePolicy(policy, { kubeVersion, strict: flags.strict, loadWarnings: warnings });
  if (formatOf(flags) === 'json') {
    io.out(
      toJson({
        file: label,
        kubeVersion,
        valid: r.errors.length === 0,
        errors: r.errors,
        warnings: r.warnings.map((w) => ({
          code: w.code,
          field: w.field,
          where: w.where,
          message: w.message,
        })),
      }) + '\n',
    );
  } else {
    for (const w of r.warnings) io.err(renderWarning(w) + '\n');
    for (const e of r.errors) io.out(formatFieldError(e) + '\n');
    io.out(
      r.errors.length === 0
        ? `${label}: valid for kube-apiserver ${kubeVersion} (${policy.rules.length} rules${r.warnings.length ? `, ${r.warnings.length} warning(s)` : ''})\n`
        : `${label}: ${r.errors.length} error(s); kube-apiserver ${kubeVersion} would refuse to start with this policy\n`,
    );
  }
  return r.errors.length === 0 ? 0 : 1;
}

export interface LintFlags {
  kubeVersion?: string;
  failOn?: string;
  format?: string;
  json?: boolean;
}

/** Returns 1 when a finding at or above --fail-on (default error) exists. */
export function runLint(file: string, flags: LintFlags, io: PolicyIO = processIO): number {
  const { policy, warnings, label } = loadPolicyArgument(file);
  const findings = lintPolicy(policy, { kubeVersion: flags.kubeVersion, loadWarnings: warnings });
  if (dataFormatOf(flags, io) === 'json') io.out(toJson(findings) + '\n');
  else io.out(renderFindings(findings, label));
  const failOn = flags.failOn ?? 'error';
  const failing =
    failOn === 'info'
      ? ['error', 'warning', 'info']
      : failOn === 'warning'
        ? ['error', 'warning']
        : ['error'];
  return findings.some((f) => failing.includes(f.severity)) ? 1 : 0;
}

export function runShow(
  name: string,
  flags: { format?: string; json?: boolean },
  io: PolicyIO = processIO,
): number {
  const text = builtinPolicyText(name);
  if (formatOf(flags) === 'json') io.out(toJson(loadPolicy(text, `${name} (built-in)`).policy, 2) + '\n');
  else io.out(text);
  return 0;
}

async function requestText(arg: string, io: PolicyIO): Promise<{ text: string; source: string }> {
  if (arg === '-') {
    if (!io.stdin)
      throw new UserError(
        '--request - reads stdin, which is not available here; pass the JSON inline or as @FILE.',
      );
    return { text: await io.stdin(), source: 'stdin' };
  }
  if (arg.startsWith('@')) {
    const path = arg.slice(1);
    try {
      return { text: readFileSync(path, 'utf8'), source: path };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(
        `--request ${arg}: ${code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code})`}; give a JSON file after @.`,
      );
    }
  }
  return { text: arg, source: '--request' };
}

export async function runEval(
  flags: { policy?: string; request?: string },
  io: PolicyIO = processIO,
): Promise<number> {
  if (!flags.policy)
    throw new UserError('policy eval needs --policy FILE (a path, or the built-in default or mesh).');
  if (flags.request === undefined) {
    throw new UserError('policy eval needs --request: inline JSON, @FILE, or - for stdin.');
  }
  const { compiled, warnings } = loadCompiledPolicy(flags.policy);
  for (const w of warnings) io.err(renderWarning(w) + '\n');
  const { text, source } = await requestText(flags.request, io);
  const values = parseRequestText(text, source);
  if (values.length === 0) throw new UserError(`${source} holds no requests; give at least one JSON object.`);
  const attrs = values.map((v, i) =>
    attributesFromInput(
      v,
      values.length === 1 ? `the request in ${source}` : `request ${i + 1} in ${source}`,
    ),
  );
  for (const a of attrs) {
    const d = compiled.evaluate(a);
    io.out(
      JSON.stringify({
        level: d.level,
        omitStages: d.omitStages,
        omitManagedFields: d.omitManagedFields,
        rule: d.rule,
      }) + '\n',
    );
  }
  return 0;
}

export interface SimulateFlags extends TimeFlags {
  policy?: string;
  baseline?: string;
  budget?: string;
  top?: string;
  format?: string;
  json?: boolean;
}

async function* readLogs(paths: string[]): AsyncGenerator<SimulationRecord> {
  for (const path of paths) {
    try {
      yield* readAuditEvents(path);
    } catch (err) {
      if (err instanceof InputError) throw new UserError(`${err.message}.`.replace(/\.\.$/, '.'));
      throw err;
    }
  }
}

export async function runSimulate(
  logs: string[],
  flags: SimulateFlags,
  io: PolicyIO = processIO,
): Promise<number> {
  if (!flags.policy)
    throw new UserError('policy simulate needs --policy FILE (a path, or the built-in default or mesh).');
  if (logs.length === 0) throw new UserError('policy simulate needs at least one audit log to replay.');
  const budgetBytes = flags.budget !== undefined ? parseByteSize(flags.budget, '--budget') : undefined;
  let top = 10;
  if (flags.top !== undefined) {
    top = Number(flags.top);
    if (!Number.isInteger(top) || top < 1)
      throw new UserError(`--top "${flags.top}" is not a positive whole number.`);
  }
  // Directories expand to their audit logs (rotated files oldest first), as for import.
  const plan = planInputs(logs);
  if (plan.errors.length > 0) throw new UserError(`${plan.errors[0].reason}.`);
  for (const s of plan.skipped) io.err(`kaudit: skipped ${s.path}: ${s.reason}\n`);
  if (plan.files.length === 0)
    throw new UserError(`no audit logs found in ${logs.join(', ')}; give .log, .json or .jsonl files.`);
  const candidate = loadCompiledPolicy(flags.policy);
  for (const w of candidate.warnings) io.err(renderWarning(w) + '\n');
  const baseline = flags.baseline ? loadCompiledPolicy(flags.baseline) : undefined;
  for (const w of baseline?.warnings ?? []) io.err(renderWarning(w) + '\n');
  const range = timeRange(flags, queryTimezone(flags));
  const report = await simulatePolicy(readLogs(plan.files), {
    timeRange: range,
    policy: candidate.compiled,
    label: candidate.label,
    baseline: baseline?.compiled,
    baselineLabel: baseline
      ? `${baseline.label}${baseline.label === candidate.label ? ' (baseline)' : ''}`
      : undefined,
    budgetBytes,
    top,
  });
  if (dataFormatOf(flags, io) === 'json') io.out(toJson(report) + '\n');
  else io.out(renderSimulation(report));
  return 0;
}

function exitWith(code: number): void {
  if (code !== 0) process.exitCode = code;
}

export function register(program: Command): void {
  const policy = program
    .command('policy')
    .description('Audit policy tools: validate, lint, show, eval and simulate kube-apiserver audit policies')
    .addHelpText(
      'after',
      `
Policies are YAML or JSON (audit.k8s.io/v1; v1beta1/v1alpha1 are read with a warning). Wherever a
policy FILE is expected, the built-in names default and mesh work too.

Examples:
  kaudit policy validate audit-policy.yaml --kube-version 1.30
  kaudit policy lint default
  kaudit policy eval --policy default --request '{"user":"alice","verb":"get","resource":"secrets","namespace":"a"}'
  kaudit policy simulate --policy my-policy.yaml --baseline default --budget 10GiB audit.log`,
    );

  policy
    .command('validate')
    .description(
      'Check a policy as kube-apiserver would load it; prints each error as field + reason, exits 1 when invalid',
    )
    .argument('<file>', 'policy file or built-in name')
    .option('--kube-version <version>', 'apiserver release to answer for', DEFAULT_KUBE_VERSION)
    .option('--strict', 'unknown and duplicate fields are errors (the apiserver only warns and drops them)')
    .addOption(
      new Option(
        '--format <format>',
        'output format: table (one error per line, the default) or json',
      ).choices(['table', 'json']),
    )
    .option('--json', 'alias of --format json')
    .addHelpText(
      'after',
      `
Examples:
  kaudit policy validate /etc/kubernetes/audit-policy.yaml
  kaudit policy validate old-policy.yaml --kube-version 1.23     # v1beta1 is still accepted there
  kaudit policy validate policy.yaml --strict --json

Unknown fields are warnings by default: the apiserver drops them and loads the rest, so a misspelt
or mis-indented key (verb: instead of verbs:) silently widens a rule. --strict makes them errors.`,
    )
    .action((file: string, flags: ValidateFlags) => exitWith(runValidate(file, flags)));

  const lint = policy
    .command('lint')
    .description(
      'Find rules that never match, unknown names, credentials logged with bodies, and costly levels',
    )
    .argument('<file>', 'policy file or built-in name')
    .option('--kube-version <version>', 'apiserver release to answer for', DEFAULT_KUBE_VERSION)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists')
        .choices(['error', 'warning', 'info'])
        .default('error'),
    );
  addOutputFlags(lint, ['table', 'json'])
    .addHelpText(
      'after',
      `
Examples:
  kaudit policy lint audit-policy.yaml
  kaudit policy lint default --fail-on warning      # for CI
  kaudit policy lint mesh --json

Each finding names the rule (0-based), why it matters and the fix. docs/audit-policy.md explains
every finding code.`,
    )
    .action((file: string, flags: LintFlags) => exitWith(runLint(file, flags)));

  policy
    .command('show')
    .description('Print a built-in policy (default: the cluster default; mesh: the service-mesh default)')
    .argument('<name>', 'default or mesh')
    .addOption(
      new Option('--format <format>', 'table prints the YAML, json the parsed policy').choices([
        'table',
        'json',
      ]),
    )
    .option('--json', 'alias of --format json')
    .addHelpText(
      'after',
      `
Examples:
  kaudit policy show default > /etc/kubernetes/audit-policy.yaml
  kaudit policy show mesh --json`,
    )
    .action((name: string, flags: { format?: string; json?: boolean }) => exitWith(runShow(name, flags)));

  policy
    .command('eval')
    .description(
      'Decide level, omitStages and omitManagedFields for requests, exactly as kube-apiserver does',
    )
    .option('--policy <file>', 'policy file or built-in name')
    .option(
      '--request <json>',
      'inline JSON, @FILE, or - for stdin: one request, a JSON array, or JSON lines',
    )
    .addHelpText(
      'after',
      `
A request is either attributes
  {"user": "alice" | null, "groups": [...], "verb": "get", "namespace": "", "apiGroup": "",
   "apiVersion": "v1", "resource": "pods", "subresource": "log", "name": "p1",
   "path": "/healthz", "isResourceRequest": true}
(user null = no user info; isResourceRequest defaults to whether resource is given), or a whole
audit Event (an object with stage or auditID), whose attributes are taken from the event.
Prints one line per request:
  {"level":"Metadata","omitStages":["RequestReceived"],"omitManagedFields":false,"rule":8}

Examples:
  kaudit policy eval --policy default --request '{"user":"bob","verb":"get","resource":"secrets","namespace":"a","name":"s"}'
  kaudit policy eval --policy default --request '{"user":null,"verb":"get","path":"/healthz"}'
  kaudit policy eval --policy my.yaml --request @requests.jsonl
  tail -n 100 audit.log | kaudit policy eval --policy default --request -`,
    )
    .action(async (flags: { policy?: string; request?: string }) => exitWith(await runEval(flags)));

  const simulate = policy
    .command('simulate')
    .description(
      'Replay audit logs through a policy: per-rule events and bytes kept, re-leveled and dropped, daily volume',
    )
    .argument('<logs...>', 'audit log files or directories (JSON lines, EventList, arrays, .gz), - for stdin')
    .option('--policy <file>', 'the candidate policy (file or built-in name)')
    .option('--baseline <file>', 'a second policy to compare side by side')
    .option('--budget <size>', 'storage budget, e.g. 10GiB: how many days of the projected volume fit')
    .option('--top <n>', 'entries in each noisiest list', '10');
  addOutputFlags(addTimeFlags(simulate), ['table', 'json'])
    .addHelpText(
      'after',
      `
Examples:
  kaudit policy simulate --policy default /var/log/kubernetes/audit/audit.log
  kaudit policy simulate --policy candidate.yaml --baseline default --budget 10GiB audit.log.1.gz audit.log
  kaudit policy simulate --policy mesh --json audit.log | jq '.candidate.totals'
  kaudit policy simulate --policy default /var/log/kubernetes/audit/   # the active file and its rotated siblings
  kaudit policy simulate --policy default --since 24h /var/log/kubernetes/audit/

Bytes are those of the log as written. An event the policy would record at a higher level than the
log holds keeps its recorded size (its bodies were never logged), so the figures are then a lower
bound. The daily projection scales the kept bytes by the time the log spans.`,
    )
    .action(async (logs: string[], flags: SimulateFlags) => exitWith(await runSimulate(logs, flags)));
}
