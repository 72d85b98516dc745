// `kaudit alerts coverage`: rules that can never fire under a policy, found with the real policy
// evaluator. Policies are hand-written; the expected findings are worked out by hand from the
// apiserver's first-match semantics (../shared/spec/k8s-audit.md §1.2) and each rule's `match`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { UserError } from '../cli/errors.js';
import { runAlertsCoverage } from '../cli/alerts-coverage.js';
import { compilePolicy } from '../policy/compile.js';
import { loadCompiledPolicy } from '../policy/index.js';
import type { Policy, PolicyRule } from '../policy/types.js';
import { alertCoverage, describePolicyRule, parseResource, ruleCoverage, stagesRead } from './coverage.js';
import { loadRuleFiles, type Rule } from './rule.js';
import { AlertStateStore } from './state.js';
import { openDuckDbStore } from '../store/duckdb/index.js';

const LIBRARY_FILES = ['falco-k8saudit.yaml', 'sigma-k8s-audit.yaml', 'ack-alert-templates.yaml'];
let library: Rule[];

before(async () => {
  const { rules } = await loadRuleFiles([]);
  library = rules.filter((r) => LIBRARY_FILES.some((f) => r.file.endsWith(f)));
});

const policy = (rules: PolicyRule[], omitStages?: string[]): Policy => ({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  rules,
  ...(omitStages ? { omitStages } : {}),
});
const everythingAt = (level: string): PolicyRule => ({ level });
const rule = (id: string) => {
  const r = library.find((x) => x.id === id);
  assert.ok(r, `rule ${id}`);
  return r;
};

describe('alert coverage under hand-written policies', () => {
  test('a None rule for pods/exec blinds the exec rules, naming that policy rule', () => {
    const compiled = compilePolicy(
      policy([
        { level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }] },
        { level: 'None', resources: [{ group: '', resources: ['pods/exec'] }] },
        everythingAt('Metadata'),
      ]),
    );
    // Sigma's exec rule looks at create pods/exec only: every request it reads is dropped by rule 1.
    const sigma = ruleCoverage(rule('sigma-exec-into-container'), compiled);
    assert.equal(sigma.status, 'never');
    assert.deepEqual(
      sigma.gaps.map((g) => [g.policyRule, g.level, g.why]),
      [[1, 'None', 'level']],
    );
    assert.equal(sigma.gaps[0].policyRuleText, 'level: None; resources: [pods/exec]');
    // Falco's Attach/Exec looks at exec and attach: attach is still recorded, exec is not.
    const falco = ruleCoverage(rule('falco-attach-exec-pod'), compiled);
    assert.equal(falco.status, 'partial');
    assert.equal(falco.gaps.length, 1);
    assert.equal(falco.gaps[0].policyRule, 1);
    assert.deepEqual(
      [...new Set(falco.gaps[0].requests.map((r) => `${r.verb} ${r.resource}/${r.subresource}`))],
      ['create pods/exec', 'get pods/exec'],
    );
    // A rule that looks at other resources is untouched.
    assert.equal(ruleCoverage(rule('falco-k8s-configmap-created'), compiled).status, 'full');
  });

  test('wildcards: pods/* and group "*" blind every pod subresource rule, and the pod rules too', () => {
    const compiled = compilePolicy(
      policy([
        { level: 'None', resources: [{ group: '*', resources: ['pods/*'] }] },
        everythingAt('RequestResponse'),
      ]),
    );
    const report = alertCoverage(library, compiled, 'wildcard.yaml');
    // `pods/*` matches pods itself and every subresource; group "*" every API group.
    for (const id of [
      'falco-attach-exec-pod',
      'falco-port-forward',
      'falco-ephemeral-containers-created',
      'falco-create-privileged-pod',
      'sigma-exec-into-container',
      'sigma-pod-in-system-namespace',
      'ack-pod-eviction',
    ]) {
      assert.ok(report.never.includes(id), `${id} can never fire`);
      const r = report.rules.find((x) => x.id === id)!;
      assert.deepEqual(
        r.gaps.map((g) => g.policyRule),
        [0],
      );
    }
    assert.ok(!report.never.includes('falco-k8s-deployment-created'));
    assert.ok(!report.never.includes('falco-create-nodeport-service'));
  });

  test('Metadata for configmaps blinds the configmap-credentials rule but not the configmap-created rule', () => {
    const compiled = compilePolicy(
      policy([
        { level: 'Metadata', resources: [{ group: '', resources: ['configmaps', 'secrets'] }] },
        everythingAt('RequestResponse'),
      ]),
    );
    const report = alertCoverage(library, compiled, 'p.yaml');
    assert.deepEqual(report.never, ['falco-configmap-private-credentials']);
    assert.deepEqual(report.partial, []);
    const creds = report.rules.find((r) => r.id === 'falco-configmap-private-credentials')!;
    // create/update/patch configmaps in default, each for the 4 representative users.
    assert.deepEqual(
      creds.gaps.map((g) => [
        g.policyRule,
        g.level,
        g.requests.length,
        [...new Set(g.requests.map((r) => r.verb))],
      ]),
      [[0, 'Metadata', 12, ['create', 'update', 'patch']]],
    );
    assert.equal(report.rules.find((r) => r.id === 'falco-k8s-configmap-created')!.status, 'full');
  });

  test('omitted stages: ResponseStarted dropped blinds exec (read when the stream opens), not the ResponseComplete rules', () => {
    const compiled = compilePolicy(
      policy([everythingAt('RequestResponse')], ['RequestReceived', 'ResponseStarted']),
    );
    const report = alertCoverage(library, compiled, 'p.yaml');
    assert.deepEqual(report.never, ['falco-attach-exec-pod']);
    const exec = report.rules.find((r) => r.id === 'falco-attach-exec-pod')!;
    assert.deepEqual(exec.stages, ['ResponseStarted']);
    assert.deepEqual(
      exec.gaps.map((g) => [g.policyRule, g.why, g.omittedStages]),
      [[0, 'stage', ['ResponseStarted']]],
    );
    // Sigma's exec rule and port-forward also read the ResponseComplete event of refused requests.
    assert.equal(report.rules.find((r) => r.id === 'sigma-exec-into-container')!.status, 'full');
    // A rule-level omitStages counts too.
    const perRule = compilePolicy(
      policy([
        {
          level: 'Metadata',
          resources: [{ group: '', resources: ['pods/attach'] }],
          omitStages: ['ResponseStarted'],
        },
        everythingAt('Metadata'),
      ]),
    );
    const attach = ruleCoverage(rule('falco-attach-exec-pod'), perRule);
    assert.equal(attach.status, 'partial');
    assert.deepEqual(
      attach.gaps.map((g) => [g.policyRule, g.why]),
      [[0, 'stage']],
    );
  });

  test('a policy that drops only some users makes a rule partial, not blind (users are unknown)', () => {
    const compiled = compilePolicy(policy([{ level: 'None', users: ['alice'] }, everythingAt('Metadata')]));
    const c = ruleCoverage(rule('falco-k8s-secret-created'), compiled);
    assert.equal(c.status, 'partial');
    assert.deepEqual([...new Set(c.gaps[0].requests.map((r) => r.user))], ['alice (system:authenticated)']);
  });

  test('no matching policy rule is level None, reported without an index', () => {
    const compiled = compilePolicy(
      policy([{ level: 'Metadata', resources: [{ group: '', resources: ['pods'] }] }]),
    );
    const c = ruleCoverage(rule('falco-k8s-secret-created'), compiled);
    assert.equal(c.status, 'never');
    assert.deepEqual(
      c.gaps.map((g) => [g.policyRule, g.level]),
      [[null, 'None']],
    );
  });
});

test("kaudit's built-in default policy: what the library cannot see", () => {
  const { compiled, label } = loadCompiledPolicy('default');
  const report = alertCoverage(library, compiled, label);
  // Worked by hand from policies/default.yaml: rule 8 records configmaps (and secrets) at Metadata,
  // so the configmap-credentials rule, which reads the body, is blind; rule 7 drops core Events, so
  // deleting them is unseen (events.k8s.io Events fall through to rule 11, Metadata). Every other
  // request a rule looks at reaches rule 9/10 (bodies) or 11 (Metadata), and only RequestReceived
  // is omitted.
  assert.deepEqual(report.never, ['falco-configmap-private-credentials']);
  assert.deepEqual(report.partial, ['sigma-events-deleted']);
  const creds = report.rules.find((r) => r.id === 'falco-configmap-private-credentials')!;
  assert.deepEqual(
    creds.gaps.map((g) => [g.policyRule, g.level]),
    [[8, 'Metadata']],
  );
  const events = report.rules.find((r) => r.id === 'sigma-events-deleted')!;
  assert.deepEqual(
    events.gaps.map((g) => [g.policyRule, g.level, [...new Set(g.requests.map((r) => r.apiGroup))]]),
    [[7, 'None', ['']]],
  );
  assert.deepEqual(report.skipped.sort(), [
    'falco-all-k8s-audit-events',
    'falco-create-disallowed-pod',
    'falco-full-k8s-administrative-access',
    'falco-untrusted-node-join-failed',
    'falco-untrusted-node-joined',
  ]);
});

describe('helpers', () => {
  test('resource entries: group prefix optional, groups inferred, metrics.k8s.io left out', () => {
    assert.deepEqual(parseResource('pods/exec'), [{ apiGroup: '', resource: 'pods', subresource: 'exec' }]);
    assert.deepEqual(parseResource('apps/deployments'), [
      { apiGroup: 'apps', resource: 'deployments', subresource: '' },
    ]);
    assert.deepEqual(parseResource('rbac.authorization.k8s.io/clusterroles'), [
      { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', subresource: '' },
    ]);
    assert.deepEqual(parseResource('deployments'), [
      { apiGroup: 'apps', resource: 'deployments', subresource: '' },
    ]);
    assert.deepEqual(
      parseResource('events').map((t) => t.apiGroup),
      ['', 'events.k8s.io'],
    );
    assert.deepEqual(parseResource('nodes'), [{ apiGroup: '', resource: 'nodes', subresource: '' }]);
    assert.deepEqual(parseResource('example.com/widgets/status'), [
      { apiGroup: 'example.com', resource: 'widgets', subresource: 'status' },
    ]);
  });

  test('stages read: named stages, not negated ones, and all stages when none is named', () => {
    assert.deepEqual(stagesRead('(stage: ResponseStarted) and verb: create | select 1'), ['ResponseStarted']);
    assert.deepEqual(stagesRead('stage: ResponseStarted or (stage: ResponseComplete and x) | select 1'), [
      'ResponseStarted',
      'ResponseComplete',
    ]);
    assert.deepEqual(stagesRead('verb: create and not stage: RequestReceived'), [
      'RequestReceived',
      'ResponseStarted',
      'ResponseComplete',
      'Panic',
    ]);
    // A `stage:` inside the SQL part is not a search condition.
    assert.deepEqual(stagesRead("verb: get | select 'stage: Panic' as x").length, 4);
  });

  test('a policy rule in one line', () => {
    assert.equal(
      describePolicyRule({
        level: 'None',
        users: ['system:kube-proxy'],
        verbs: ['watch'],
        resources: [{ group: '', resources: ['endpoints', 'services'] }, { group: 'apps' }],
        namespaces: [''],
        omitStages: ['RequestReceived'],
      }),
      'level: None; users: [system:kube-proxy]; verbs: [watch]; resources: [endpoints, services, apps/*]; namespaces: [""]; omitStages: [RequestReceived]',
    );
  });
});

describe('kaudit alerts coverage', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), isTTY: false },
    };
  };

  test('JSON report for a policy file; --fail-on never exits 1 when a rule is blind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-cov-'));
    try {
      const file = join(dir, 'policy.yaml');
      writeFileSync(
        file,
        'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    resources:\n      - group: ""\n        resources: ["pods/exec", "pods/attach"]\n  - level: Metadata\n',
      );
      const a = io();
      assert.equal(await runAlertsCoverage({ policy: file }, a.io), 0);
      const report = JSON.parse(a.out.join('')) as { policy: string; never: string[] };
      assert.equal(report.policy, file);
      assert.ok(report.never.includes('falco-attach-exec-pod'));
      assert.ok(report.never.includes('sigma-exec-into-container'));
      // Metadata everywhere: the body-reading rules are blind as well.
      assert.ok(report.never.includes('falco-create-privileged-pod'));
      const b = io();
      assert.equal(await runAlertsCoverage({ policy: file, failOn: 'never', format: 'table' }, b.io), 1);
      const text = b.out.join('');
      assert.match(text, /Rules that can never fire under /);
      assert.match(text, /falco-attach-exec-pod .*\n {4}policy rule 0 gives level None/);
      assert.match(text, /policy rule 0: level: None; resources: \[pods\/exec, pods\/attach\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--config reads the rules directory of alerts.rulesDir: a rule disabled there is not analysed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-cov-'));
    try {
      const rulesDir = join(dir, 'rules');
      mkdirSync(rulesDir);
      writeFileSync(
        join(rulesDir, 'site.yaml'),
        'rules:\n  - id: sigma-exec-into-container\n    override: { enabled: false }\n',
      );
      writeFileSync(join(dir, 'kaudit.yaml'), `alerts:\n  rulesDir: ${JSON.stringify(rulesDir)}\n`);
      const file = join(dir, 'policy.yaml');
      writeFileSync(
        file,
        'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n    resources: [{group: "", resources: ["pods/exec"]}]\n  - level: RequestResponse\n',
      );
      const a = io();
      await runAlertsCoverage({ policy: file, config: join(dir, 'kaudit.yaml') }, a.io);
      const report = JSON.parse(a.out.join('')) as { never: string[]; skipped: string[] };
      assert.ok(report.skipped.includes('sigma-exec-into-container'));
      assert.ok(!report.never.includes('sigma-exec-into-container'));
      // Without the config the built-in rule is enabled, and blind under this policy.
      const b = io();
      await runAlertsCoverage({ policy: file }, b.io);
      assert.ok(
        (JSON.parse(b.out.join('')) as { never: string[] }).never.includes('sigma-exec-into-container'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--db honours a rule disabled in the console (a setting in the store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaudit-cov-'));
    try {
      const db = join(dir, 'kaudit.duckdb');
      const store = await openDuckDbStore({ path: db });
      await new AlertStateStore(store).setEnabled('falco-configmap-private-credentials', false);
      await store.close();
      const withDb = io();
      await runAlertsCoverage({ policy: 'default', db }, withDb.io);
      const report = JSON.parse(withDb.out.join('')) as { never: string[]; skipped: string[] };
      // Under the default policy this is the one rule that can never fire; switched off, it is not analysed.
      assert.deepEqual(report.never, []);
      assert.ok(report.skipped.includes('falco-configmap-private-credentials'));
      await assert.rejects(
        runAlertsCoverage({ policy: 'default', db: join(dir, 'missing.duckdb') }, io().io),
        (e: unknown) =>
          e instanceof UserError && /there is no kaudit store at .*missing\.duckdb/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input is one clear error', async () => {
    await assert.rejects(
      runAlertsCoverage({}, io().io),
      (e: unknown) => e instanceof UserError && /--policy FILE/.test(e.message),
    );
    await assert.rejects(
      runAlertsCoverage({ policy: '/nonexistent/policy.yaml' }, io().io),
      (e: unknown) => e instanceof UserError && /does not exist/.test(e.message),
    );
    await assert.rejects(
      runAlertsCoverage({ policy: 'default', rules: ['/nonexistent/rules'] }, io().io),
      (e: unknown) => e instanceof UserError && /no rule file at \/nonexistent\/rules/.test(e.message),
    );
  });
});
