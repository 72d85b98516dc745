// The `kaudit` command line: one file per command under src/cli, each exporting `register`.
// Commands stay thin: they parse flags, call a module, and print.
import { Command, CommanderError } from 'commander';
import { register as registerImport } from './import.js';
import { register as registerQuery } from './query.js';
import { register as registerGenerate } from './generate.js';
import { register as registerDemo } from './demo.js';
import { register as registerPrune } from './prune.js';
import { register as registerRejects } from './rejects.js';
import { register as registerPolicy } from './policy.js';
import { register as registerSetup } from './setup.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerServe } from './serve.js';
import { register as registerAgent } from './agent.js';
import { register as registerAlerts } from './alerts.js';
import { register as registerReport } from './report.js';
import { register as registerMigrate } from './migrate.js';
import { UserError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('kaudit')
    .description(
      'Self-hosted audit center for Kubernetes: import, store, query and report on kube-apiserver audit logs.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage and examples)')
    .exitOverride();
  for (const register of [
    registerImport,
    registerQuery,
    registerGenerate,
    registerDemo,
    registerPrune,
    registerRejects,
    registerPolicy,
    registerSetup,
    registerDoctor,
    registerServe,
    registerAgent,
    registerReport,
    registerAlerts,
    registerMigrate,
  ]) {
    register(program);
  }
  return program;
}

/** Runs the CLI and returns the exit code; errors become one sentence on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed help or the usage error.
      return err.exitCode;
    }
    if (err instanceof UserError) {
      process.stderr.write(`kaudit: ${err.message}\n`);
      return err.exitCode;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`kaudit: ${msg}\n`);
    if (process.env.KAUDIT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
