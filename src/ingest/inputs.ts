// Which files an import reads: paths as given, and for a directory its audit-log files with
// lumberjack-rotated siblings (`name-YYYY-MM-DDTHH-MM-SS.mmm.ext[.gz]`, k8s-audit.md §3) in
// chronological order before the active file.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface InputPlan {
  files: string[];
  skipped: { path: string; reason: string }[];
  /** Paths that could not be read at all (missing, unreadable). */
  errors: { path: string; reason: string }[];
}

const AUDIT_EXT = /\.(log|audit|json|jsonl)(\.gz)?$/i;
/** lumberjack backup: <base>-<2006-01-02T15-04-05.000><ext>[.gz] */
const ROTATED = /^(.*)-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3})(\.[^.]*)?(\.gz)?$/;

interface Candidate {
  name: string;
  /** The active file this one belongs to (itself for an active file). */
  group: string;
  /** Rotation time for backups; '~' sorts the active file last. */
  order: string;
}

function classify(name: string): Candidate | null {
  const rot = ROTATED.exec(name);
  if (rot) {
    const ext = rot[3] ?? '';
    return { name, group: rot[1] + ext, order: rot[2] + (rot[4] ? '.gz' : '') };
  }
  if (AUDIT_EXT.test(name)) return { name, group: name.replace(/\.gz$/i, ''), order: '~' };
  return null;
}

/** Expands the command-line paths into files to read, in the order they should be read. */
export function planInputs(paths: string[]): InputPlan {
  const plan: InputPlan = { files: [], skipped: [], errors: [] };
  for (const p of paths) {
    if (p === '-') {
      plan.files.push(p);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      plan.errors.push({
        path: p,
        reason:
          code === 'ENOENT'
            ? `${p} does not exist; check the path`
            : `${p} cannot be read (${code}); check its permissions`,
      });
      continue;
    }
    if (!st.isDirectory()) {
      plan.files.push(p);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(p).sort();
    } catch (e) {
      plan.errors.push({
        path: p,
        reason: `the directory ${p} cannot be listed (${(e as NodeJS.ErrnoException).code}); check its permissions`,
      });
      continue;
    }
    const present = new Set(names);
    const picked: Candidate[] = [];
    for (const name of names) {
      const full = join(p, name);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        plan.skipped.push({ path: full, reason: 'vanished or unreadable while listing' });
        continue;
      }
      if (isDir) {
        plan.skipped.push({ path: full, reason: 'a subdirectory (import it by name to read it)' });
        continue;
      }
      const c = classify(name);
      if (!c) {
        plan.skipped.push({
          path: full,
          reason: 'not an audit log name (.log, .audit, .json, .jsonl, optionally .gz)',
        });
        continue;
      }
      // lumberjack compresses by writing <backup>.gz and then deleting <backup>: while both exist,
      // the .gz is incomplete and the plain file is the one to read.
      if (/\.gz$/i.test(name) && present.has(name.slice(0, -3))) {
        plan.skipped.push({
          path: full,
          reason: `its uncompressed twin ${name.slice(0, -3)} is read instead`,
        });
        continue;
      }
      picked.push(c);
    }
    picked.sort((a, b) => (a.group === b.group ? (a.order < b.order ? -1 : 1) : a.group < b.group ? -1 : 1));
    for (const c of picked) plan.files.push(join(p, c.name));
  }
  return plan;
}
