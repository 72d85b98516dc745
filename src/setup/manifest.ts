// Reading a kube-apiserver static pod manifest (/etc/kubernetes/manifests/kube-apiserver.yaml, as
// kubeadm and the managed service of ../shared/seeds/003_b57cda7aeb09e190.txt write it): the
// apiserver's flags, its volumeMounts and the pod's volumes, and where a path inside the container
// lives on the host. The parsed nodes keep their source offsets so edit.ts can change the text
// surgically and leave every other byte of the file alone.
import { posix } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { UserError } from '../cli/errors.js';

/** One `--name[=value]` entry of the apiserver's command or args. */
export interface FlagEntry {
  name: string;
  /** The value; `null` for a bare `--flag` (a boolean set to true). */
  value: string | null;
  /** The sequence item holding `--name…`. */
  node: Scalar;
  /** For the `--name value` form: the item holding the value. */
  valueNode?: Scalar;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
  subPath?: string;
}

export interface Volume {
  name: string;
  /** Set for hostPath volumes (the only kind a static pod can use to reach node files). */
  hostPath?: { path: string; type?: string };
}

export interface ApiserverManifest {
  label: string;
  text: string;
  doc: Document.Parsed;
  /** The pod spec mapping. */
  spec: YAMLMap;
  /** The kube-apiserver container mapping. */
  container: YAMLMap;
  /** Flags in order of appearance; a later repeat wins, as in pflag. */
  flags: FlagEntry[];
  /** `command` or `args`: the list that holds the flags (new flags go there). */
  flagList: 'command' | 'args';
  image?: string;
  mounts: VolumeMount[];
  volumes: Volume[];
}

/** Manifests are a few kB; anything this big is not one. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

function str(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')
    ? String(node.value)
    : undefined;
}

function isApiserverContainer(c: unknown): c is YAMLMap {
  if (!isMap(c)) return false;
  if (str(c.get('name', true)) === 'kube-apiserver') return true;
  const cmd = c.get('command', true);
  const first = isSeq(cmd) ? str(cmd.items[0]) : undefined;
  return first !== undefined && posix.basename(first) === 'kube-apiserver';
}

/** Splits `--name=value` / `--name` + following value into flag entries. */
function readFlags(items: unknown[]): FlagEntry[] {
  const out: FlagEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const node = items[i];
    const text = str(node);
    if (text === undefined || !text.startsWith('--') || !isScalar(node)) continue;
    const eq = text.indexOf('=');
    if (eq > 0) {
      out.push({ name: text.slice(2, eq), value: text.slice(eq + 1), node });
      continue;
    }
    const next = items[i + 1];
    const nextText = str(next);
    if (nextText !== undefined && !nextText.startsWith('-') && isScalar(next)) {
      out.push({ name: text.slice(2), value: nextText, node, valueNode: next });
      i++;
    } else {
      out.push({ name: text.slice(2), value: null, node });
    }
  }
  return out;
}

/**
 * Parses a kube-apiserver static pod manifest. Throws UserError (one sentence naming the file) when
 * the text is not YAML, not a Pod, or has no kube-apiserver container.
 */
export function parseApiserverManifest(text: string, label: string): ApiserverManifest {
  if (text.length > MAX_MANIFEST_BYTES) {
    throw new UserError(
      `${label} is ${text.length} bytes, too big for a static pod manifest; give the kube-apiserver.yaml file.`,
    );
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const err = doc.errors[0];
  if (err) {
    const line = text.slice(0, err.pos[0]).split('\n').length;
    const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(
      `${label}:${line}: the manifest is not valid YAML (${reason}); fix the syntax there.`,
    );
  }
  const root = doc.contents;
  if (!isMap(root) || str(root.get('kind', true)) !== 'Pod') {
    throw new UserError(
      `${label} is not a Pod manifest (kind: Pod); give the kube-apiserver static pod, usually /etc/kubernetes/manifests/kube-apiserver.yaml.`,
    );
  }
  const spec = root.get('spec', true);
  const containers = isMap(spec) ? spec.get('containers', true) : undefined;
  if (!isMap(spec) || !isSeq(containers)) {
    throw new UserError(`${label} has no spec.containers list; it is not a complete Pod manifest.`);
  }
  const container = containers.items.find(isApiserverContainer);
  if (!container) {
    throw new UserError(
      `${label} has no kube-apiserver container (a container named kube-apiserver or running kube-apiserver); give the apiserver's manifest.`,
    );
  }
  const command = container.get('command', true);
  const args = container.get('args', true);
  const commandItems = isSeq(command) ? command.items : [];
  const argItems = isSeq(args) ? args.items : [];
  const flags = [...readFlags(commandItems), ...readFlags(argItems)];
  // New flags join the list the existing flags live in (kubeadm: command; some installers: args).
  const flagList =
    readFlags(argItems).length > 0 || (commandItems.length <= 1 && isSeq(args)) ? 'args' : 'command';

  const mountsNode = container.get('volumeMounts', true);
  const mounts: VolumeMount[] = [];
  if (isSeq(mountsNode)) {
    for (const m of mountsNode.items) {
      if (!isMap(m)) continue;
      const name = str(m.get('name', true));
      const mountPath = str(m.get('mountPath', true));
      if (name === undefined || mountPath === undefined) continue;
      const ro = m.get('readOnly', true);
      const subPath = str(m.get('subPath', true));
      mounts.push({
        name,
        mountPath,
        readOnly: isScalar(ro) && ro.value === true,
        ...(subPath ? { subPath } : {}),
      });
    }
  }
  const volumesNode = spec.get('volumes', true);
  const volumes: Volume[] = [];
  if (isSeq(volumesNode)) {
    for (const v of volumesNode.items) {
      if (!isMap(v)) continue;
      const name = str(v.get('name', true));
      if (name === undefined) continue;
      const hp = v.get('hostPath', true);
      const path = isMap(hp) ? str(hp.get('path', true)) : undefined;
      const type = isMap(hp) ? str(hp.get('type', true)) : undefined;
      volumes.push({
        name,
        ...(path !== undefined ? { hostPath: { path, ...(type ? { type } : {}) } } : {}),
      });
    }
  }
  return {
    label,
    text,
    doc,
    spec,
    container,
    flags,
    flagList,
    image: str(container.get('image', true)),
    mounts,
    volumes,
  };
}

/** The effective value of `--name` (the last occurrence wins); undefined when absent. */
export function flagValue(m: ApiserverManifest, name: string): string | null | undefined {
  let found: FlagEntry | undefined;
  for (const f of m.flags) if (f.name === name) found = f;
  return found ? found.value : undefined;
}

/** Every `--audit-*` flag with its effective value. */
export function auditFlags(m: ApiserverManifest): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const f of m.flags) if (f.name.startsWith('audit-')) out.set(f.name, f.value);
  return out;
}

/** The Kubernetes release in the apiserver image tag (`registry.k8s.io/kube-apiserver:v1.30.2` → `1.30`). */
export function imageKubeVersion(m: ApiserverManifest): string | undefined {
  const tag = /:v?(1\.\d+)(?:\.\d+)?(?:[-+@][^/]*)?$/.exec(m.image ?? '');
  return tag ? tag[1] : undefined;
}

export type PathResolution =
  | { kind: 'host'; hostPath: string; mount: VolumeMount; volume: Volume }
  | { kind: 'unmounted' }
  | { kind: 'missing-volume'; mount: VolumeMount }
  | { kind: 'not-hostpath'; mount: VolumeMount; volume: Volume };

function covers(mountPath: string, path: string): boolean {
  const m = mountPath.length > 1 ? mountPath.replace(/\/+$/, '') : mountPath;
  return path === m || path.startsWith(m === '/' ? '/' : m + '/');
}

/**
 * Where a path inside the apiserver container comes from: the most specific volumeMount that covers
 * it (a mount of the file itself or of a parent directory), and the hostPath behind it. Without a
 * mount the file lives in the container's own filesystem: invisible to the node and lost on restart.
 */
export function resolveContainerPath(m: ApiserverManifest, containerPath: string): PathResolution {
  let best: VolumeMount | undefined;
  for (const mount of m.mounts) {
    if (mount.subPath) continue;
    if (covers(mount.mountPath, containerPath) && (!best || mount.mountPath.length > best.mountPath.length)) {
      best = mount;
    }
  }
  if (!best) return { kind: 'unmounted' };
  const mount = best;
  const volume = m.volumes.find((v) => v.name === mount.name);
  if (!volume) return { kind: 'missing-volume', mount };
  if (!volume.hostPath) return { kind: 'not-hostpath', mount, volume };
  const rest = posix.relative(mount.mountPath, containerPath);
  return {
    kind: 'host',
    hostPath: rest ? posix.join(volume.hostPath.path, rest) : volume.hostPath.path,
    mount,
    volume,
  };
}

/** The node (offsets) of a key's value in a mapping, for edit.ts. */
export function valueNode(map: YAMLMap, key: string): Node | undefined {
  const v = map.get(key, true);
  return v === undefined || v === null ? undefined : (v as Node);
}
