// Enabling and checking kube-apiserver auditing on a control-plane node (issue 5, points 5 and 8):
// `kaudit setup apiserver` builds a plan (plan.ts), patches a real manifest (patch.ts) and prints it
// (render.ts); `kaudit doctor` (doctor.ts) checks a node. Nothing here writes system files: output
// goes to stdout, or to a directory the user names.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../cli/errors.js';
import { imageKubeVersion, parseApiserverManifest } from './manifest.js';
import { patchManifest } from './patch.js';
import { planAudit, type SetupOptions } from './plan.js';
import type { SetupResult } from './render.js';

export { SETUP_DEFAULTS, planAudit, type SetupOptions, type AuditPlan } from './plan.js';
export { renderSetupText, setupJson, type SetupResult } from './render.js';
export { runDoctor, DEFAULT_MANIFEST, type DoctorInput, type DoctorReport } from './doctor.js';
export { renderChecks, type Check, type CheckStatus } from './check.js';

function readManifest(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `--manifest ${path} does not exist; give the kube-apiserver static pod manifest (usually /etc/kubernetes/manifests/kube-apiserver.yaml).`
        : code === 'EISDIR'
          ? `--manifest ${path} is a directory; give the kube-apiserver.yaml file in it.`
          : `--manifest ${path} cannot be read (${code}); run as root or copy the file somewhere readable.`,
    );
  }
}

/** Plans the audit setup, and patches the manifest when one is given. */
export function runSetup(opts: SetupOptions, manifestPath?: string): SetupResult {
  if (!manifestPath) return { kubeVersion: opts.kubeVersion, plan: planAudit(opts) };
  const original = readManifest(manifestPath);
  const manifest = parseApiserverManifest(original, manifestPath);
  // Without --kube-version, the release is the one the manifest runs (its image tag).
  const kubeVersion = opts.explicit.has('kubeVersion')
    ? opts.kubeVersion
    : (imageKubeVersion(manifest) ?? opts.kubeVersion);
  const plan = planAudit({ ...opts, kubeVersion }, manifest);
  return {
    kubeVersion,
    plan,
    manifest: { path: manifestPath, original, patch: patchManifest(manifest, plan, opts) },
  };
}

/** System directories `--out` refuses: writing there would change the node, which setup never does. */
const SYSTEM_DIRS = ['/etc/kubernetes', '/var/lib/kubelet'];

/**
 * Writes the files of a setup into `dir` (created if needed): each file under its base name, and
 * the patched manifest as kube-apiserver.yaml. Returns the written paths.
 */
export function writeSetupFiles(dir: string, r: SetupResult): string[] {
  const out = resolve(dir);
  for (const sys of SYSTEM_DIRS) {
    const rel = relative(sys, out);
    if (rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))) {
      throw new UserError(
        `--out ${dir} is inside ${sys}; kaudit never writes system files, so write to another directory and copy the files after reviewing them.`,
      );
    }
  }
  const targets: { name: string; content: string; mode: number }[] = r.plan.files.map((f) => ({
    name: basename(f.path),
    content: f.content,
    mode: 0o600,
  }));
  if (r.manifest) {
    const name = 'kube-apiserver.yaml';
    if (resolve(join(out, name)) === resolve(r.manifest.path)) {
      throw new UserError(
        `--out ${dir} would overwrite the --manifest file itself; write to another directory.`,
      );
    }
    targets.push({ name, content: r.manifest.patch.text, mode: 0o600 });
  }
  const names = new Set<string>();
  for (const t of targets) {
    if (names.has(t.name)) {
      throw new UserError(
        `two files would both be written as ${t.name} in --out ${dir}; give different --policy-path/--webhook-config-path names.`,
      );
    }
    names.add(t.name);
  }
  try {
    mkdirSync(out, { recursive: true });
    return targets.map((t) => {
      const p = join(out, t.name);
      writeFileSync(p, t.content, { mode: t.mode });
      return p;
    });
  } catch (err) {
    throw new UserError(
      `--out ${dir} cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable directory.`,
    );
  }
}
