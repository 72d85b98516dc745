// `kaudit doctor`: check auditing on a control-plane node (manifest flags and mounts, policy
// validity and lint, log format, freshness, rotation and disk) and say what to fix. Thin: flags →
// src/setup/doctor.ts → one line per check. Exit 1 when any check fails.
import { Command, Option } from 'commander';
import { toJson } from './output.js';
import { DEFAULT_MANIFEST, renderChecks, runDoctor } from '../setup/index.js';

export interface DoctorFlags {
  manifest?: string;
  policy?: string;
  log?: string;
  kubeVersion?: string;
  root?: string;
  format: 'text' | 'json';
  json?: boolean;
}

/** Runs the checks; returns what to print and the exit code (1 when any check fails). */
export function runDoctorCommand(flags: DoctorFlags, nowMs = Date.now()): { stdout: string; code: number } {
  const report = runDoctor({
    manifest: flags.manifest,
    policy: flags.policy,
    log: flags.log,
    kubeVersion: flags.kubeVersion,
    root: flags.root,
    nowMs,
  });
  const failed = report.checks.some((c) => c.status === 'fail');
  const code = failed ? 1 : 0;
  if (flags.json || flags.format === 'json') {
    const count = (s: string) => report.checks.filter((c) => c.status === s).length;
    return {
      stdout:
        toJson(
          {
            kubeVersion: report.kubeVersion,
            kubeVersionFrom: report.kubeVersionFrom,
            ok: !failed,
            summary: { ok: count('ok'), warn: count('warn'), fail: count('fail') },
            checks: report.checks,
          },
          2,
        ) + '\n',
      code,
    };
  }
  const from =
    report.kubeVersionFrom === 'image'
      ? 'from the image tag'
      : report.kubeVersionFrom === 'option'
        ? 'from --kube-version'
        : 'default; pass --kube-version';
  return { stdout: `kube-apiserver ${report.kubeVersion} (${from})\n` + renderChecks(report.checks), code };
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check auditing on a control-plane node: flags, mounts, policy, log format, freshness, rotation, disk',
    )
    .option(
      '--manifest <file>',
      `kube-apiserver static pod manifest (default ${DEFAULT_MANIFEST} when no --policy/--log is given)`,
    )
    .option('--policy <file>', 'policy file to check (default: the one --audit-policy-file names)')
    .option('--log <path>', 'audit log to check (default: the one --audit-log-path names)')
    .option('--kube-version <version>', 'kube-apiserver release (default: the manifest image tag, else 1.36)')
    .option('--root <dir>', 'where the node filesystem is mounted, e.g. /host inside a pod')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--json', 'alias of --format json')
    .addHelpText(
      'after',
      `
Each check prints one line: ok, WARN or FAIL, what was found, and for problems the fix. The exit
code is 1 when any check fails. The newest event should be under 5 minutes old (warning up to
1 hour, failure after). Rotation flags are judged for the apiserver release: before 1.36
--audit-log-maxsize=0 means 100 MB, from 1.36 it means "never rotate".

Examples:
  sudo kaudit doctor                                        # this node's /etc/kubernetes/manifests/kube-apiserver.yaml
  kaudit doctor --manifest kube-apiserver.yaml --policy audit-policy.yml
  kaudit doctor --log /var/log/kubernetes/kubernetes.audit --json
  kaudit doctor --root /host                                # inside a pod with the node's / at /host`,
    )
    .action((flags: DoctorFlags) => {
      const { stdout, code } = runDoctorCommand(flags);
      process.stdout.write(stdout);
      if (code !== 0) process.exitCode = code;
    });
}
