// The output of `kaudit setup apiserver` for people (text), scripts (json) and `patch` (the whole
// patched manifest). Building the plan and the patch happens in plan.ts and patch.ts.
import { stringify } from 'yaml';
import { unifiedDiff } from './diff.js';
import type { PatchResult } from './patch.js';
import { volumeFor, type AuditPlan } from './plan.js';

export interface SetupResult {
  kubeVersion: string;
  plan: AuditPlan;
  manifest?: { path: string; original: string; patch: PatchResult };
}

const MANIFEST_PATH = '/etc/kubernetes/manifests/kube-apiserver.yaml';

function indent(text: string, pad: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The flag, mount and volume fragments to add by hand when no manifest was given. */
function fragments(plan: AuditPlan): string {
  const flags = plan.flags.map((f) => `- --${f.name}=${f.value}`).join('\n');
  const mounts = plan.paths.map((p) => volumeFor(p).mount);
  const volumes = plan.paths.map((p) => volumeFor(p).volume);
  return [
    'Add to the kube-apiserver container\'s command (after "- kube-apiserver"; replace any older --audit-* values):',
    indent(flags, '    '),
    '',
    "Add to the kube-apiserver container's volumeMounts:",
    indent(stringify(mounts, { lineWidth: 0 }), '    '),
    '',
    'Add to spec.volumes:',
    indent(stringify(volumes, { lineWidth: 0 }), '  '),
  ].join('\n');
}

export function renderSetupText(r: SetupResult): string {
  const out: string[] = [];
  const target = r.manifest?.path ?? MANIFEST_PATH;
  out.push(
    `# Enable kube-apiserver auditing for kaudit (kube-apiserver ${r.kubeVersion}). Nothing was changed on this machine.`,
    '# Do this on every control-plane node, then run `kaudit doctor` there.',
    '',
  );
  let step = 1;
  for (const f of r.plan.files) {
    out.push(
      `## ${step++}. Write ${f.path} (owner root, mode ${f.mode}): the ${f.why}`,
      '',
      f.content.trimEnd(),
      '',
    );
  }
  out.push(`## ${step++}. Change ${target}`, '');
  if (r.manifest) {
    const diff = unifiedDiff(r.manifest.original, r.manifest.patch.text, r.manifest.path);
    const changed = r.manifest.patch.changes.filter((c) => c.action !== 'keep');
    if (!diff) out.push('The manifest already has every setting; nothing to change.', '');
    else {
      out.push(
        `${changed.length} change(s); apply with \`kaudit setup apiserver … --format patch\` or \`patch -p1\` on this diff:`,
        '',
        diff.trimEnd(),
        '',
      );
    }
    const kept = r.manifest.patch.changes.filter((c) => c.action === 'keep');
    if (kept.length) out.push('Kept as they are:', ...kept.map((c) => `  - ${c.detail}`), '');
  } else {
    out.push(fragments(r.plan), '');
  }
  out.push(
    '## Notes',
    `- Copy the old manifest OUTSIDE ${MANIFEST_PATH.replace(/[^/]+$/, '')} first: the kubelet runs every file in that directory as a pod, backups included.`,
    '- The kubelet restarts kube-apiserver by itself when the manifest changes; on a multi-master cluster change one node at a time.',
    ...r.plan.notes.map((n) => `- ${n}`),
  );
  return out.join('\n') + '\n';
}

export function setupJson(r: SetupResult): unknown {
  return {
    kubeVersion: r.kubeVersion,
    policy: r.plan.policyLabel,
    files: r.plan.files,
    flags: r.plan.flags.map((f) => ({ name: f.name, value: f.value, why: f.why })),
    volumeMounts: r.plan.paths.map((p) => volumeFor(p).mount),
    volumes: r.plan.paths.map((p) => volumeFor(p).volume),
    manifest: r.manifest
      ? {
          path: r.manifest.path,
          changes: r.manifest.patch.changes,
          diff: unifiedDiff(r.manifest.original, r.manifest.patch.text, r.manifest.path),
          patched: r.manifest.patch.text,
        }
      : null,
    lint: r.plan.lint.map((f) => ({ rule: f.rule, severity: f.severity, code: f.code, message: f.message })),
    notes: r.plan.notes,
  };
}
