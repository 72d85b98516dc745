import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../cli/errors.js';
import type { ReportDefinition } from './model.js';
import { placeholders, resolveParams, substitute } from './params.js';

const report: ReportDefinition = {
  id: 'resource',
  title: 'r',
  description: '',
  params: [{ name: 'resource', title: 'Resource', default: 'deployments' }],
  tabs: [],
  file: 'resource.yaml',
};

test('the default applies when no value (or a blank one) is given', () => {
  assert.deepEqual(resolveParams(report), { resource: 'deployments' });
  assert.deepEqual(resolveParams(report, { resource: ' ' }), { resource: 'deployments' });
});

test('values are lower-cased and may hold letters, digits, . and -', () => {
  assert.deepEqual(resolveParams(report, { resource: 'AliyunLogConfigs' }), { resource: 'aliyunlogconfigs' });
  assert.deepEqual(resolveParams(report, { resource: 'ingresses.v1-beta.x' }), {
    resource: 'ingresses.v1-beta.x',
  });
});

test('anything else is refused with one sentence naming the parameter and report', () => {
  for (const bad of ['pods or verb: delete', 'pods"', 'pods|select', 'pods)', 'pö ds', 'a_b', '*']) {
    assert.throws(
      () => resolveParams(report, { resource: bad }),
      (e: Error) =>
        e instanceof UserError &&
        e.message.startsWith(`resource "${bad}" for report "resource" is not a resource plural;`),
      bad,
    );
  }
});

test('an undeclared parameter is an error listing the declared ones', () => {
  assert.throws(
    () => resolveParams(report, { kind: 'x' }),
    /report "resource" has no parameter "kind"; it takes resource\./,
  );
  const none = { ...report, id: 'overview', params: [] };
  assert.throws(() => resolveParams(none, { resource: 'pods' }), /it takes no parameters\./);
  // undefined means "not given" (an absent CLI flag), not an unknown parameter.
  assert.deepEqual(resolveParams(none, { resource: undefined }), {});
});

test('substitute replaces declared placeholders only; others stay for the console', () => {
  assert.equal(
    substitute('objectRef.resource: ${resource} and verb: ${verb}', { resource: 'pods' }),
    'objectRef.resource: pods and verb: ${verb}',
  );
  assert.deepEqual(placeholders('a ${x} b ${y_1} ${Bad}'), ['x', 'y_1']);
});
