import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, templateNames } from './template.js';

test('placeholders: exact names, paths into objects, unknown → empty, objects as JSON', () => {
  const vars = {
    user: 'alice',
    'user.username': 'bob',
    __count__: 3,
    labels: { team: 'sec', 'app.kubernetes.io/name': 'web' },
    results: [{ query: 'verb: create' }],
    obj: { a: [1, 'x'] },
    nothing: null,
  };
  assert.equal(renderTemplate('${user} ran as ${user.username}', vars), 'alice ran as bob');
  assert.equal(renderTemplate('${__count__} rows, team ${labels.team}', vars), '3 rows, team sec');
  assert.equal(renderTemplate('${labels.app.kubernetes.io/name}', vars), 'web');
  assert.equal(renderTemplate('${results[0].query}', vars), 'verb: create');
  assert.equal(renderTemplate('[${missing}] [${labels.none}] [${nothing}]', vars), '[] [] []');
  assert.equal(renderTemplate('${obj}', vars), '{"a":[1,"x"]}');
  assert.equal(renderTemplate('${ user }', vars), 'alice');
  // not placeholders: a lone $, an unclosed brace
  assert.equal(renderTemplate('cost $5 ${user', vars), 'cost $5 ${user');
});

test('templateNames lists what a template reads', () => {
  assert.deepEqual(templateNames('${a} and ${b.c} ${a}'), ['a', 'b.c', 'a']);
});
