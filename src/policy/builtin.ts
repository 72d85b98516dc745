// Built-in policies shipped under policies/ (`default`, `mesh`), and resolving a `--policy` or
// FILE argument that may be either a built-in name or a path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../cli/errors.js';
import { loadPolicy, type LoadedPolicy } from './load.js';

export const BUILTIN_POLICIES = ['default', 'mesh'] as const;

/** The policies/ directory of the installed package (searched upward from this module: src/ or dist/src/). */
export function builtinPolicyDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'policies');
    if (existsSync(join(candidate, 'default.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('the built-in policies/ directory is missing from the kaudit installation');
}

/** The text of a built-in policy. */
export function builtinPolicyText(name: string): string {
  if (!(BUILTIN_POLICIES as readonly string[]).includes(name)) {
    throw new UserError(
      `"${name}" is not a built-in policy; the built-in policies are ${BUILTIN_POLICIES.join(', ')}.`,
    );
  }
  return readFileSync(join(builtinPolicyDir(), `${name}.yaml`), 'utf8');
}

export interface PolicySource {
  text: string;
  /** What to call it in messages: the path as given, or `default (built-in)`. */
  label: string;
}

/**
 * Reads a policy argument: a built-in name (`default`, `mesh`) unless a file of that name exists
 * in the working directory, else a path.
 */
export function readPolicySource(arg: string): PolicySource {
  if ((BUILTIN_POLICIES as readonly string[]).includes(arg) && !existsSync(arg)) {
    return { text: builtinPolicyText(arg), label: `${arg} (built-in)` };
  }
  try {
    return { text: readFileSync(resolve(arg), 'utf8'), label: arg };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        `policy file ${arg} does not exist; give a path or a built-in name (${BUILTIN_POLICIES.join(', ')}).`,
      );
    }
    if (code === 'EISDIR') throw new UserError(`policy ${arg} is a directory; give the policy file itself.`);
    throw new UserError(`policy file ${arg} cannot be read (${code ?? String(err)}); check its permissions.`);
  }
}

/** Reads and parses a policy argument (name or path). */
export function loadPolicyArgument(arg: string): LoadedPolicy & { label: string } {
  const src = readPolicySource(arg);
  return { ...loadPolicy(src.text, src.label), label: src.label };
}
