// `kaudit alerts coverage --policy FILE`: which enabled alert rules can never fire under an audit
// policy, and which policy rule to change. Thin: load the rules (src/alerts/rule.ts) and the policy
// (src/policy), call src/alerts/coverage.ts, print. The alerts command registers it with
// `registerAlertsCoverage(alerts)`.
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { alertCoverage, renderCoverage, type CoverageReport } from '../alerts/coverage.js';
import { defaultAlertsConfig } from '../alerts/config.js';
import { effectiveEnabled, loadConfiguredRules } from '../alerts/service.js';
import type { Rule } from '../alerts/rule.js';
import { AlertStateStore } from '../alerts/state.js';
import { loadCompiledPolicy } from '../policy/index.js';
import { loadConfigFile, validateConfig } from '../server/config.js';
import { UserError } from './errors.js';
import { storeLocation } from './flags.js';
import { withStore } from './store.js';
import { toJson } from './output.js';

export interface CoverageFlags {
  policy?: string;
  rules?: string[];
  config?: string;
  db?: string;
  store?: string;
  format?: string;
  json?: boolean;
  failOn?: 'never' | 'partial' | 'none';
}

/** Where the command writes: stdout and stderr in the CLI, buffers in tests. */
export interface CoverageIO {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY?: boolean;
}

const processIO: CoverageIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: process.stdout.isTTY === true,
};

/** Runs the analysis; returns the exit code (1 when --fail-on finds rules of that kind). */
export async function runAlertsCoverage(flags: CoverageFlags, io: CoverageIO = processIO): Promise<number> {
  if (!flags.policy) {
    throw new UserError(
      'alerts coverage needs --policy FILE: the audit policy to check (a path, or a built-in name: default, mesh).',
    );
  }
  const { compiled, warnings, label } = loadCompiledPolicy(flags.policy);
  for (const w of warnings) io.err(`warning: ${w.where}: ${w.field}: ${w.message}\n`);
  const alertsConfig = flags.config
    ? validateConfig(loadConfigFile(flags.config), `the config file ${flags.config}`).alerts
    : defaultAlertsConfig();
  const { rules, problems } = await loadConfiguredRules(alertsConfig, flags.rules ?? []);
  const errors = problems.filter((p) => p.severity === 'error');
  for (const p of problems.filter((x) => x.severity === 'warning')) {
    io.err(`warning: ${p.file}${p.rule ? ` (${p.rule})` : ''}: ${p.message}\n`);
  }
  if (errors.length > 0) {
    const p = errors[0];
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more problem(s); kaudit alerts lint lists them)` : '';
    throw new UserError(`rule file ${p.file}${p.rule ? `, rule ${p.rule}` : ''}: ${p.message}${more}.`);
  }
  const report = alertCoverage(await withStoreSwitches(rules, flags), compiled, label);
  const json = flags.json || flags.format === 'json' || (!flags.format && !io.isTTY);
  io.out(json ? toJson(report, 2) + '\n' : renderCoverage(report));
  return exitCode(report, flags.failOn ?? 'none');
}

/**
 * With --db/--store, a rule enabled or disabled in the console or the API (a setting in the store)
 * counts as such; without, the rule files decide.
 */
async function withStoreSwitches(rules: Rule[], flags: CoverageFlags): Promise<Rule[]> {
  if (!flags.db && !flags.store) return rules;
  const loc = storeLocation(flags);
  if (loc.kind === 'duckdb' && !existsSync(loc.path)) {
    throw new UserError(
      `there is no kaudit store at ${loc.path}; give the --db of your kaudit serve, or leave --db out to take enabled rules from the rule files.`,
    );
  }
  const enabled = await withStore(
    flags,
    (store) => effectiveEnabled(new AlertStateStore(store), rules),
    'alerts coverage',
  );
  return rules.map((r) => ({ ...r, enabled: enabled.get(r.id) ?? r.enabled }));
}

function exitCode(report: CoverageReport, failOn: 'never' | 'partial' | 'none'): number {
  if (failOn === 'never') return report.never.length > 0 ? 1 : 0;
  if (failOn === 'partial') return report.never.length + report.partial.length > 0 ? 1 : 0;
  return 0;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `coverage` to the `kaudit alerts` command. */
export function registerAlertsCoverage(alerts: Command): Command {
  return alerts
    .command('coverage')
    .description(
      'Which enabled alert rules can never fire under an audit policy, and which policy rule to change',
    )
    .addOption(new Option('--policy <file>', 'audit policy file, or a built-in name (default, mesh)'))
    .option(
      '--rules <path>',
      'user rule file or directory, on top of the built-in rules (repeatable)',
      collect,
    )
    .addOption(
      new Option(
        '--fail-on <kind>',
        'exit 1 when a rule can never fire (never) or misses some requests (partial)',
      )
        .choices(['never', 'partial', 'none'])
        .default('none'),
    )
    .addOption(
      new Option('--format <format>', 'output format (table on a terminal, else json)').choices([
        'table',
        'json',
      ]),
    )
    .option('--json', 'alias of --format json')
    .addHelpText(
      'after',
      `
Examples:
  kaudit alerts coverage --policy /etc/kubernetes/audit-policy.yaml
  kaudit alerts coverage --policy default                      # kaudit's built-in cluster policy
  kaudit alerts coverage --policy policy.yaml --rules ./my-rules --fail-on never   # for CI
  kaudit alerts coverage --policy policy.yaml --json

For every enabled rule, each request it looks at (its match: verbs x resources x namespaces) is
evaluated by kaudit's audit-policy engine, exactly as kube-apiserver would, for a few representative
users (rules do not name their users). A rule is reported when the policy records those requests at
level None, below the level the rule needs (Metadata, or Request for rules that read request bodies),
or omits the stage the rule reads (ResponseStarted for exec). Each finding names the deciding policy
rule (0-based, as kaudit policy lint does) and what to change. Whether a rule is enabled comes from
the rule files (an override: { enabled: … } included) and, with --db/--store, from the switches made in
the console or the API.`,
    )
    .action(async (flags: CoverageFlags) => {
      const code = await runAlertsCoverage(flags);
      if (code !== 0) process.exitCode = code;
    });
}
