import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  auditFlags,
  flagValue,
  imageKubeVersion,
  parseApiserverManifest,
  resolveContainerPath,
} from './manifest.js';

const MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-master-1, namespace: kube-system}
spec:
  containers:
  - name: sidecar
    image: busybox
  - name: apiserver
    image: registry.example.com/kube-apiserver:v1.29.4-eks-1
    command:
    - /usr/local/bin/kube-apiserver
    - --audit-policy-file=/etc/kubernetes/audit/policy.yaml
    - --audit-log-path
    - /var/log/apiserver/audit.log
    - --audit-log-maxage=3
    - --audit-log-maxage=9
    - --audit-log-compress
    - --secure-port=6443
    volumeMounts:
    - {name: audit-dir, mountPath: /etc/kubernetes/audit, readOnly: true}
    - {name: logs, mountPath: /var/log}
    - {name: one-file, mountPath: /var/log/apiserver, subPath: x}
    - {name: cfg, mountPath: /etc/kubernetes/webhook}
    - {name: ghost, mountPath: /etc/ghost}
  volumes:
  - {name: audit-dir, hostPath: {path: /srv/audit, type: Directory}}
  - {name: logs, hostPath: {path: /mnt/logs}}
  - {name: one-file, hostPath: {path: /nowhere}}
  - {name: cfg, configMap: {name: webhook}}
`;

test('flags: both forms, the last repeat wins (pflag), bare booleans, only --audit-* in auditFlags', () => {
  const m = parseApiserverManifest(MANIFEST, 'm.yaml');
  assert.equal(flagValue(m, 'audit-log-path'), '/var/log/apiserver/audit.log');
  assert.equal(flagValue(m, 'audit-log-maxage'), '9');
  assert.equal(flagValue(m, 'audit-log-compress'), null);
  assert.equal(flagValue(m, 'audit-log-maxsize'), undefined);
  assert.deepEqual(
    [...auditFlags(m).keys()],
    ['audit-policy-file', 'audit-log-path', 'audit-log-maxage', 'audit-log-compress'],
  );
  // The apiserver container is found by its command, not by position or name.
  assert.equal(m.image, 'registry.example.com/kube-apiserver:v1.29.4-eks-1');
  assert.equal(imageKubeVersion(m), '1.29');
  assert.equal(m.flagList, 'command');
});

test('container paths map through the most specific mount to the node', () => {
  const m = parseApiserverManifest(MANIFEST, 'm.yaml');
  const policy = resolveContainerPath(m, '/etc/kubernetes/audit/policy.yaml');
  assert.ok(policy.kind === 'host');
  assert.equal(policy.hostPath, '/srv/audit/policy.yaml');
  assert.equal(policy.mount.readOnly, true);
  // The subPath mount of /var/log/apiserver is skipped (it mounts one file); /var/log covers it.
  const log = resolveContainerPath(m, '/var/log/apiserver/audit.log');
  assert.ok(log.kind === 'host' && log.hostPath === '/mnt/logs/apiserver/audit.log');
  assert.equal(resolveContainerPath(m, '/var/logs/x').kind, 'unmounted'); // a prefix, not a parent
  assert.equal(resolveContainerPath(m, '/etc/kubernetes/webhook/k.yaml').kind, 'not-hostpath');
  assert.equal(resolveContainerPath(m, '/etc/ghost/file').kind, 'missing-volume');
  assert.equal(resolveContainerPath(m, '/etc/kubernetes/pki/ca.crt').kind, 'unmounted');
});
