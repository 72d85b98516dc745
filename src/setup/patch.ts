// Applying an AuditPlan to a real kube-apiserver manifest: set or add each --audit-* flag, and add
// a hostPath volume + volumeMount for every path the container cannot see yet. Only what is missing
// or wrong changes; an audit setting the manifest already has is kept unless the user asked for a
// new value. The result is re-read and checked, so a patch that would not do what it says is never
// printed.
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { UserError } from '../cli/errors.js';
import { addSeqKey, applyEdits, insertSeqItems, replaceScalar, type TextEdit } from './edit.js';
import {
  parseApiserverManifest,
  resolveContainerPath,
  type ApiserverManifest,
  type FlagEntry,
} from './manifest.js';
import { volumeFor, type AuditPlan, type PathNeed, type PlannedFlag, type SetupOptions } from './plan.js';

export type ChangeAction = 'add' | 'update' | 'keep';

export interface ManifestChange {
  action: ChangeAction;
  what: 'flag' | 'volumeMount' | 'volume';
  detail: string;
}

export interface PatchResult {
  text: string;
  changes: ManifestChange[];
}

function lastFlag(m: ApiserverManifest, name: string): FlagEntry | undefined {
  let found: FlagEntry | undefined;
  for (const f of m.flags) if (f.name === name) found = f;
  return found;
}

/** An existing value to keep instead of the plan's: set, not asked to change, and not a broken rotation setting. */
function keepsExisting(flag: PlannedFlag, existing: FlagEntry, explicit: ReadonlySet<string>): boolean {
  if (!flag.option || explicit.has(flag.option) || existing.value === null) return false;
  if (flag.name === 'audit-log-maxsize' && !/^[1-9]\d*$/.test(existing.value)) {
    // 0 means "no rotation" since 1.36 (and 100 MB before): never keep it (k8s-audit.md §3).
    return false;
  }
  return true;
}

function seqOf(map: YAMLMap, key: string): Node | undefined {
  const v = map.get(key, true);
  return isSeq(v) ? (v as Node) : undefined;
}

function uniqueVolumeName(m: ApiserverManifest, base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; m.volumes.some((v) => v.name === name) || taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

export function patchManifest(
  m: ApiserverManifest,
  plan: AuditPlan,
  opts: Pick<SetupOptions, 'explicit'>,
): PatchResult {
  const text = m.text;
  const edits: TextEdit[] = [];
  const changes: ManifestChange[] = [];

  // Flags.
  const listNode = seqOf(m.container, m.flagList);
  if (!listNode) {
    throw new UserError(
      `${m.label}: the kube-apiserver container has no command or args list to add flags to; add the flags by hand.`,
    );
  }
  const listItems = (listNode as unknown as { items: unknown[] }).items;
  const flagsInList = m.flags.filter((f) => listItems.includes(f.node));
  const wanted = new Map<string, string>();
  // In name order, so flags inserted before the same neighbour come out sorted too.
  const byName = [...plan.flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const flag of byName) {
    const existing = lastFlag(m, flag.name);
    if (existing && existing.value === flag.value) {
      changes.push({ action: 'keep', what: 'flag', detail: `--${flag.name}=${flag.value}` });
      wanted.set(flag.name, flag.value);
      continue;
    }
    if (existing && keepsExisting(flag, existing, opts.explicit)) {
      changes.push({
        action: 'keep',
        what: 'flag',
        detail: `--${flag.name}=${existing.value} (already set; pass the option to change it)`,
      });
      wanted.set(flag.name, existing.value!);
      continue;
    }
    wanted.set(flag.name, flag.value);
    if (existing) {
      edits.push(
        existing.valueNode
          ? replaceScalar(text, existing.valueNode, flag.value)
          : replaceScalar(text, existing.node, `--${flag.name}=${flag.value}`),
      );
      changes.push({
        action: 'update',
        what: 'flag',
        detail: `--${flag.name}=${existing.value ?? ''} → ${flag.value}`,
      });
      continue;
    }
    // kubeadm keeps flags sorted; inserting before the first larger name keeps a sorted list sorted.
    const before = flagsInList.find((f) => f.name > flag.name)?.node;
    edits.push(
      insertSeqItems(
        text,
        listNode,
        [`--${flag.name}=${flag.value}`],
        `${m.label}: the ${m.flagList} list`,
        before,
      ),
    );
    changes.push({ action: 'add', what: 'flag', detail: `--${flag.name}=${flag.value}` });
  }

  // Mounts and volumes.
  const newMounts: object[] = [];
  const newVolumes: object[] = [];
  const takenNames = new Set<string>();
  const mountsSeq = seqOf(m.container, 'volumeMounts');
  for (const need of plan.paths) {
    const r = resolveContainerPath(m, need.path);
    if (r.kind === 'host' && (need.readOnly || !r.mount.readOnly)) {
      changes.push({
        action: 'keep',
        what: 'volumeMount',
        detail: `${need.path} is mounted from the node (volume ${r.volume.name})`,
      });
      continue;
    }
    if (r.kind === 'host' && r.mount.mountPath === need.path) {
      // The exact mount exists but read-only: the apiserver cannot write its log there.
      edits.push(makeWritable(text, mountsSeq, need.path, m.label));
      changes.push({
        action: 'update',
        what: 'volumeMount',
        detail: `${need.path}: readOnly: true → false (the apiserver writes the log there)`,
      });
      continue;
    }
    if (r.kind === 'missing-volume') {
      // A mount without its volume: the pod is invalid until the volume is declared.
      const { volume } = volumeFor(
        {
          ...need,
          path: r.mount.mountPath,
          hostType: r.mount.mountPath === need.path ? need.hostType : 'DirectoryOrCreate',
        },
        r.mount.name,
      );
      newVolumes.push(volume);
      takenNames.add(r.mount.name);
      changes.push({
        action: 'add',
        what: 'volume',
        detail: `${r.mount.name}: hostPath ${r.mount.mountPath} (the volumeMount named it, the volume was missing)`,
      });
      continue;
    }
    if ((r.kind === 'not-hostpath' || r.kind === 'host') && r.mount.mountPath === need.path) {
      throw new UserError(
        `${m.label}: ${need.path} is mounted from volume ${r.mount.name}, which is not a writable hostPath; change that mount to a hostPath of the node by hand.`,
      );
    }
    const sameVolume = m.volumes.find((v) => v.hostPath?.path === need.path);
    const name = sameVolume ? sameVolume.name : uniqueVolumeName(m, need.volumeName, takenNames);
    takenNames.add(name);
    const { volume, mount } = volumeFor(need, name);
    newMounts.push(mount);
    changes.push({
      action: 'add',
      what: 'volumeMount',
      detail: `${need.path} (${need.why}) from volume ${name}`,
    });
    if (!sameVolume) {
      newVolumes.push(volume);
      changes.push({
        action: 'add',
        what: 'volume',
        detail: `${name}: hostPath ${need.path} (${need.hostType})`,
      });
    }
  }
  if (newMounts.length > 0) {
    edits.push(
      mountsSeq && (mountsSeq as unknown as { items: unknown[] }).items.length > 0
        ? insertSeqItems(text, mountsSeq, newMounts, `${m.label}: volumeMounts`)
        : addSeqKey(text, m.container, 'volumeMounts', newMounts, `${m.label}: the kube-apiserver container`),
    );
  }
  if (newVolumes.length > 0) {
    const volumesSeq = seqOf(m.spec, 'volumes');
    edits.push(
      volumesSeq && (volumesSeq as unknown as { items: unknown[] }).items.length > 0
        ? insertSeqItems(text, volumesSeq, newVolumes, `${m.label}: volumes`)
        : addSeqKey(text, m.spec, 'volumes', newVolumes, `${m.label}: spec`),
    );
  }

  const patched = applyEdits(text, edits);
  verify(patched, m.label, wanted, plan.paths);
  return { text: patched, changes };
}

function makeWritable(text: string, mountsSeq: Node | undefined, path: string, label: string): TextEdit {
  const item = isSeq(mountsSeq)
    ? mountsSeq.items.find((i) => isMap(i) && (i.get('mountPath') as unknown) === path)
    : undefined;
  const ro = isMap(item) ? item.get('readOnly', true) : undefined;
  if (!isScalar(ro))
    throw new UserError(
      `${label}: cannot find the readOnly field of the ${path} mount; set it to false by hand.`,
    );
  return { ...replaceScalar(text, ro as Node, 'x'), insert: 'false' };
}

/** Re-reads the patched text: every wanted flag has its value and every path reaches the node as needed. */
function verify(text: string, label: string, wanted: Map<string, string>, paths: PathNeed[]): void {
  const after = parseApiserverManifest(text, label);
  for (const [name, value] of wanted) {
    const got = lastFlag(after, name)?.value;
    if (got !== value)
      throw new Error(`internal error: patching ${label} left --${name}=${got} instead of ${value}`);
  }
  for (const need of paths) {
    const r = resolveContainerPath(after, need.path);
    if (r.kind !== 'host' || (!need.readOnly && r.mount.readOnly)) {
      throw new Error(
        `internal error: patching ${label} left ${need.path} ${r.kind === 'host' ? 'read-only' : r.kind}`,
      );
    }
  }
}
