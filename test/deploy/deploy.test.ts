// The Kubernetes manifests and the Dockerfile under deploy/: parsed and checked against what the
// cluster and the kaudit CLI actually need (kinds, images, mounts, probes, ports, flags, tokens).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { validateConfig } from '../../src/server/config.js';

function findRepo(start: string): string {
  let d = start;
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}
const REPO = findRepo(import.meta.dirname);
const DEPLOY = join(REPO, 'deploy');

type Obj = Record<string, any>;

function loadAll(): { file: string; doc: Obj }[] {
  const out: { file: string; doc: Obj }[] = [];
  for (const file of readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const d of parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8'))) {
      assert.deepEqual(d.errors, [], `${file} parses`);
      if (d.contents !== null) out.push({ file, doc: d.toJS() as Obj });
    }
  }
  return out;
}

const docs = loadAll();
const byKind = (kind: string): Obj[] => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
const one = (kind: string, name: string): Obj => {
  const found = byKind(kind).filter((d) => d.metadata.name === name);
  assert.equal(found.length, 1, `exactly one ${kind} ${name}`);
  return found[0];
};

/** Options of a kaudit subcommand, from the real CLI definition (`kaudit agent --help` shows the same). */
function cliOptions(name: string): Set<string> | undefined {
  const cmd = buildProgram().commands.find((c: Command) => c.name() === name);
  return cmd ? new Set(cmd.options.map((o) => o.long!).filter(Boolean)) : undefined;
}

/**
 * Until `kaudit agent` exists in this tree: DESIGN.md "Contracts" (`--watch`, `--server`, `--token`,
 * and `--start-at` shared with serve), plus `--checkpoint`, the option the agent's checkpoint file
 * is named by in src/ingest/tail/checkpoint.ts. Once the command exists its real options are used.
 */
const AGENT_CONTRACT = new Set(['--watch', '--server', '--token', '--checkpoint', '--start-at']);

function argFlags(args: string[]): string[] {
  return args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]);
}

test('every manifest has the expected kinds, all in the kaudit namespace, and kustomization lists them all', () => {
  const kinds = docs.map((d) => d.doc.kind).sort();
  assert.deepEqual(kinds, [
    'DaemonSet',
    'Deployment',
    'Namespace',
    'PersistentVolumeClaim',
    'Secret',
    'Service',
  ]);
  for (const { doc, file } of docs) {
    if (doc.kind !== 'Namespace') assert.equal(doc.metadata.namespace, 'kaudit', `${file}: ${doc.kind}`);
  }
  const k = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8'));
  const files = readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  assert.deepEqual([...k.resources].sort(), files.sort());
});

test('one pinned image everywhere, non-root server, no privilege escalation', () => {
  const containers = [
    ...one('Deployment', 'kaudit-server').spec.template.spec.containers,
    ...one('DaemonSet', 'kaudit-agent').spec.template.spec.containers,
  ];
  const images = new Set(containers.map((c: Obj) => c.image));
  assert.equal(images.size, 1);
  const [image] = images;
  assert.match(image as string, /^[\w./-]+:\d+\.\d+\.\d+$/, 'a versioned tag, not latest');
  assert.equal(
    (image as string).split(':')[1],
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
  );
  for (const c of containers) {
    assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], c.name);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
  }
  const podSc = one('Deployment', 'kaudit-server').spec.template.spec.securityContext;
  assert.equal(podSc.runAsNonRoot, true);
  assert.equal(podSc.runAsUser, 10001);
});

test('server: one replica recreated (DuckDB is single-process), port 8080, probes, PVC at the --db path', () => {
  const dep = one('Deployment', 'kaudit-server');
  assert.equal(dep.spec.replicas, 1);
  assert.equal(dep.spec.strategy.type, 'Recreate');
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual([c.livenessProbe.httpGet.path, c.livenessProbe.httpGet.port], ['/healthz', 'http']);
  assert.deepEqual([c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.port], ['/readyz', 'http']);
  assert.equal(c.args[0], 'serve');
  const arg = (flag: string) => c.args[c.args.indexOf(flag) + 1];
  assert.equal(arg('--port'), '8080');
  assert.equal(arg('--bind'), '0.0.0.0');
  assert.ok(c.args.includes('--webhook'));
  // Every flag is a real `kaudit serve` option.
  const serve = cliOptions('serve');
  if (serve) for (const f of argFlags(c.args.slice(1))) assert.ok(serve.has(f), `kaudit serve has ${f}`);
  // The database lives on the claim; the config comes from the Secret.
  const mountFor = (path: string) =>
    c.volumeMounts.find((m: Obj) => path === m.mountPath || path.startsWith(m.mountPath + '/'));
  const dataMount = mountFor(arg('--db'));
  const dataVolume = pod.volumes.find((v: Obj) => v.name === dataMount.name);
  assert.equal(
    dataVolume.persistentVolumeClaim.claimName,
    one('PersistentVolumeClaim', 'kaudit-data').metadata.name,
  );
  const configMount = mountFor(arg('--config'));
  const configVolume = pod.volumes.find((v: Obj) => v.name === configMount.name);
  assert.equal(configVolume.secret.secretName, 'kaudit-tokens');
  assert.equal(configVolume.secret.items[0].path, arg('--config').split('/').pop());

  const svc = one('Service', 'kaudit');
  assert.deepEqual(svc.spec.selector, dep.spec.template.metadata.labels);
  assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);
  assert.equal(svc.spec.ports[0].port, 8080);
  assert.equal(svc.spec.ports[0].targetPort, 'http');
});

test('the config in the Secret is valid for kaudit serve and has an ingest token for the agents', () => {
  const secret = one('Secret', 'kaudit-tokens');
  const config = validateConfig(parse(secret.stringData['kaudit.yaml']), 'deploy/secret.yaml kaudit.yaml');
  assert.equal(config.webhook.enabled, true);
  const agent = config.tokens.find((t) => t.token === secret.stringData['agent-token']);
  assert.ok(agent, 'the agent token is one of the server tokens');
  assert.equal(agent.role, 'ingest');
  // Placeholders only: a real secret must never be committed.
  for (const t of config.tokens) assert.match(t.token, /^REPLACE-/);
});

test('agent DaemonSet: control-plane nodes only, audit logs read-only from the host, flags and token wired', () => {
  const ds = one('DaemonSet', 'kaudit-agent');
  const pod = ds.spec.template.spec;
  assert.deepEqual(pod.nodeSelector, { 'node-role.kubernetes.io/control-plane': '' });
  const tolerated = pod.tolerations.map((t: Obj) => `${t.key}:${t.effect}:${t.operator}`);
  assert.ok(tolerated.includes('node-role.kubernetes.io/control-plane:NoSchedule:Exists'));
  assert.ok(tolerated.includes('node-role.kubernetes.io/master:NoSchedule:Exists'));
  const c = pod.containers[0];
  assert.equal(c.args[0], 'agent');
  const arg = (flag: string) => c.args[c.args.indexOf(flag) + 1];
  // The watched file is the seed document's log path, under a read-only hostPath mount.
  assert.equal(arg('--watch'), '/var/log/kubernetes/kubernetes.audit');
  const logMount = c.volumeMounts.find((m: Obj) => arg('--watch').startsWith(m.mountPath + '/'));
  assert.equal(logMount.readOnly, true);
  const logVolume = pod.volumes.find((v: Obj) => v.name === logMount.name);
  assert.equal(logVolume.hostPath.path, '/var/log/kubernetes');
  // The checkpoint survives the pod: it is on a writable hostPath.
  const cpMount = c.volumeMounts.find((m: Obj) => arg('--checkpoint').startsWith(m.mountPath + '/'));
  assert.ok(cpMount && !cpMount.readOnly);
  assert.ok(pod.volumes.find((v: Obj) => v.name === cpMount.name).hostPath);
  // The server URL is the Service, on its port.
  const url = new URL(arg('--server'));
  assert.equal(url.hostname, `${one('Service', 'kaudit').metadata.name}.kaudit.svc`);
  assert.equal(url.port, '8080');
  // $(VAR) in args must be an env var of the container, here from the Secret's agent-token.
  const token = arg('--token');
  const m = /^\$\((\w+)\)$/.exec(token);
  assert.ok(m, 'the token comes from the environment, not the manifest');
  const env = c.env.find((e: Obj) => e.name === m![1]);
  assert.deepEqual(env.valueFrom.secretKeyRef, { name: 'kaudit-tokens', key: 'agent-token' });
  const agent = cliOptions('agent') ?? AGENT_CONTRACT;
  for (const f of argFlags(c.args.slice(1))) assert.ok(agent.has(f), `kaudit agent has ${f}`);
});

test('kubectl kustomize renders the manifests (when kubectl is installed)', (t) => {
  const r = spawnSync('kubectl', ['kustomize', DEPLOY], { encoding: 'utf8' });
  if (r.error) {
    t.skip('kubectl is not installed');
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as Obj).kind);
  assert.equal(kinds.length, 6);
});

/** Dockerfile instructions with line continuations joined: [INSTRUCTION, rest]. */
function dockerInstructions(text: string): [string, string][] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const sp = l.indexOf(' ');
      return [l.slice(0, sp).toUpperCase(), l.slice(sp + 1).trim()];
    });
}

test('Dockerfile: node:20-slim build stage with npm ci, slim runtime as a non-root user running bin/kaudit.js', () => {
  const ins = dockerInstructions(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
  const froms = ins.filter(([i]) => i === 'FROM').map(([, r]) => r);
  assert.deepEqual(froms, ['node:20-slim AS build', 'node:20-slim']);
  const second = ins.findIndex(([i, r]) => i === 'FROM' && r === 'node:20-slim');
  const build = ins.slice(0, second);
  const runtime = ins.slice(second);
  assert.ok(
    build.some(([i, r]) => i === 'RUN' && /\bnpm ci\b/.test(r)),
    'npm ci in the build stage',
  );
  assert.ok(
    build.some(([i, r]) => i === 'RUN' && /npm prune --omit=dev/.test(r)),
    'dev dependencies pruned',
  );
  // The image compiles the CLI sources without tests (a test importing test/ helpers must not break it).
  assert.ok(build.some(([i, r]) => i === 'RUN' && r.includes('npx tsc -p deploy/tsconfig.build.json')));
  const buildConfig = JSON.parse(readFileSync(join(DEPLOY, 'tsconfig.build.json'), 'utf8'));
  assert.deepEqual(buildConfig.include, ['../src/**/*.ts']);
  assert.deepEqual(buildConfig.exclude, ['../src/**/*.test.ts']);
  // The lock file is copied before npm ci (reproducible installs).
  const lock = build.findIndex(([i, r]) => i === 'COPY' && r.includes('package-lock.json'));
  const ci = build.findIndex(([i, r]) => i === 'RUN' && /\bnpm ci\b/.test(r));
  assert.ok(lock >= 0 && lock < ci);
  const user = runtime.filter(([i]) => i === 'USER').map(([, r]) => r);
  assert.equal(user.length, 1);
  assert.doesNotMatch(user[0], /^(root|0)(:|$)/);
  assert.ok(runtime.some(([i, r]) => i === 'EXPOSE' && r === '8080'));
  assert.ok(
    runtime.some(([i, r]) => i === 'COPY' && r.startsWith('--from=build') && r.includes('/app/node_modules')),
  );
  const entry = runtime.find(([i]) => i === 'ENTRYPOINT')![1];
  assert.deepEqual(JSON.parse(entry), ['node', '/app/bin/kaudit.js']);
  // The runtime copies what bin/kaudit.js imports and what the built-in policies need.
  const copies = runtime.filter(([i]) => i === 'COPY').map(([, r]) => r);
  for (const p of ['/app/dist/src', '/app/bin', '/app/policies'])
    assert.ok(
      copies.some((c) => c.includes(p)),
      p,
    );
  assert.match(readFileSync(join(REPO, 'bin', 'kaudit.js'), 'utf8'), /\.\.\/dist\/src\/cli\/main\.js/);
});

test("the image's compile step (deploy/tsconfig.build.json) type-checks without errors", () => {
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(DEPLOY, 'tsconfig.build.json'), '--noEmit'], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  // tsc exits non-zero on any error, which would fail the Dockerfile's RUN step.
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
