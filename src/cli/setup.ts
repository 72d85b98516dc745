// `kaudit setup apiserver`: print what enabling auditing takes on a control-plane node (flags,
// policy file, volumes, webhook kubeconfig), or the diff / patched file for a real manifest.
// Thin: flags → src/setup → stdout. Never writes system files.
import { Command, Option } from 'commander';
import { UserError } from './errors.js';
import { toJson } from './output.js';
import {
  renderSetupText,
  runSetup,
  SETUP_DEFAULTS,
  setupJson,
  writeSetupFiles,
  type SetupOptions,
} from '../setup/index.js';
import { BUILTIN_POLICIES } from '../policy/index.js';

export interface SetupFlags {
  policy: string;
  policyPath: string;
  logPath: string;
  maxAge: string;
  maxBackup: string;
  maxSize: string;
  compress?: boolean;
  webhook?: string;
  webhookConfigPath: string;
  caFile: string;
  manifest?: string;
  kubeVersion: string;
  format: 'text' | 'json' | 'patch';
  out?: string;
}

/** Options a user can name on the command line, in SetupOptions terms. */
const OPTION_KEYS = [
  'policy',
  'policyPath',
  'logPath',
  'maxAge',
  'maxBackup',
  'maxSize',
  'compress',
  'webhookConfigPath',
  'caFile',
  'kubeVersion',
];

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new UserError(`${flag} ${text} is not a whole number; give e.g. ${flag} 10.`);
  }
  return Number(text);
}

/** Runs the command; `explicit` lists the options given on the command line. Returns the text to print. */
export function runSetupApiserver(
  flags: SetupFlags,
  explicit: ReadonlySet<string>,
): { stdout: string; stderr: string } {
  if (flags.format === 'patch' && !flags.manifest) {
    throw new UserError(
      '--format patch prints a patched manifest, so it needs --manifest FILE (e.g. /etc/kubernetes/manifests/kube-apiserver.yaml).',
    );
  }
  const opts: SetupOptions = {
    policy: flags.policy,
    policyPath: flags.policyPath,
    logPath: flags.logPath,
    maxAge: wholeNumber(flags.maxAge, '--max-age'),
    maxBackup: wholeNumber(flags.maxBackup, '--max-backup'),
    maxSize: wholeNumber(flags.maxSize, '--max-size'),
    compress: flags.compress === true,
    webhook: flags.webhook,
    webhookConfigPath: flags.webhookConfigPath,
    caFile: flags.caFile,
    kubeVersion: flags.kubeVersion,
    explicit,
  };
  const result = runSetup(opts, flags.manifest);
  let stderr = '';
  if (flags.out) {
    const written = writeSetupFiles(flags.out, result);
    stderr = `wrote ${written.join(', ')} (review, then copy them into place on the node)\n`;
  }
  if (flags.format === 'json') return { stdout: toJson(setupJson(result), 2) + '\n', stderr };
  if (flags.format === 'patch') return { stdout: result.manifest!.patch.text, stderr };
  return { stdout: renderSetupText(result), stderr };
}

export function register(program: Command): void {
  const setup = program
    .command('setup')
    .description(
      'Enable kube-apiserver auditing on a control-plane node (prints the changes; writes nothing)',
    )
    .addHelpText(
      'after',
      `
Examples:
  kaudit setup apiserver --manifest /etc/kubernetes/manifests/kube-apiserver.yaml
  kaudit doctor                                             # then check the node`,
    );
  setup
    .command('apiserver')
    .description(
      'Print the --audit-* flags, policy file, volumes and mounts (and webhook kubeconfig) kube-apiserver needs, or a diff of a real manifest',
    )
    .option(
      '--policy <name|file>',
      `audit policy to install: ${BUILTIN_POLICIES.join(', ')} or a file`,
      SETUP_DEFAULTS.policy,
    )
    .option('--policy-path <path>', 'where the policy file goes on the node', SETUP_DEFAULTS.policyPath)
    .option('--log-path <path>', 'audit log file (--audit-log-path)', SETUP_DEFAULTS.logPath)
    .option(
      '--max-age <days>',
      'days to keep rotated logs (--audit-log-maxage)',
      String(SETUP_DEFAULTS.maxAge),
    )
    .option(
      '--max-backup <n>',
      'rotated logs to keep (--audit-log-maxbackup)',
      String(SETUP_DEFAULTS.maxBackup),
    )
    .option(
      '--max-size <MB>',
      'rotate at this size in MB (--audit-log-maxsize)',
      String(SETUP_DEFAULTS.maxSize),
    )
    .option('--compress', 'gzip rotated logs (--audit-log-compress, 1.20+)')
    .option(
      '--webhook <url>',
      "also send events to kaudit's webhook, e.g. https://kaudit.example.com:8080/audit/webhook/prod",
    )
    .option(
      '--webhook-config-path <path>',
      'where the webhook kubeconfig goes on the node',
      SETUP_DEFAULTS.webhookConfigPath,
    )
    .option(
      '--ca-file <path>',
      "CA certificate of kaudit's TLS certificate, on the node",
      SETUP_DEFAULTS.caFile,
    )
    .option(
      '--manifest <file>',
      'a kube-apiserver static pod manifest to diff against (only what is missing changes)',
    )
    .option(
      '--kube-version <version>',
      'kube-apiserver release the settings are for (with --manifest: its image tag)',
      SETUP_DEFAULTS.kubeVersion,
    )
    .addOption(
      new Option(
        '--format <format>',
        'text (instructions), json, or patch (the whole patched manifest; needs --manifest)',
      )
        .choices(['text', 'json', 'patch'])
        .default('text'),
    )
    .option('--out <dir>', 'also write the files (policy, kubeconfig, patched manifest) into this directory')
    .addHelpText(
      'after',
      `
The defaults are the managed-cluster settings of the source document: policy at
/etc/kubernetes/audit-policy.yml, log at /var/log/kubernetes/kubernetes.audit, rotated at 100 MB,
10 files kept for 7 days. kaudit never edits /etc/kubernetes itself: review the output, back up the
manifest outside /etc/kubernetes/manifests, then apply it. With --manifest, audit settings the
manifest already has are kept unless you pass the option.

Examples:
  kaudit setup apiserver                                    # flags, mounts and the default policy
  kaudit setup apiserver --manifest /etc/kubernetes/manifests/kube-apiserver.yaml
  kaudit setup apiserver --manifest kube-apiserver.yaml --format patch > kube-apiserver.new.yaml
  kaudit setup apiserver --policy my-policy.yaml --kube-version 1.30 --out ./audit-setup
  kaudit setup apiserver --webhook https://kaudit.example.com:8080/audit/webhook/prod --format json`,
    )
    .action((flags: SetupFlags, cmd: Command) => {
      const explicit = new Set(OPTION_KEYS.filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      const { stdout, stderr } = runSetupApiserver(flags, explicit);
      if (stderr) process.stderr.write(stderr);
      process.stdout.write(stdout);
    });
}
