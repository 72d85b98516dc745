import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeQueryError } from './query.js';
import { QueryError } from '../query/errors.js';

test('the caret points at the error position on its own line of a multi-line query', () => {
  const query = '* | select ip,\n  count(1) as total\n  from log group by ipp';
  const err = new QueryError("Column 'ipp' cannot be resolved", query.indexOf('ipp'), 'ip');
  assert.equal(
    describeQueryError(err, query),
    [
      "query error: Column 'ipp' cannot be resolved (line 3, column 21)",
      '    from log group by ipp',
      '                      ^',
      '  Did you mean "ip"?',
    ].join('\n'),
  );
});

test('long lines are cut around the position', () => {
  const query = `* | select ${'x, '.repeat(60)}nope`;
  const err = new QueryError("Column 'nope' cannot be resolved", query.indexOf('nope'));
  const [, line, caret] = describeQueryError(err, query).split('\n');
  // 60 characters of context before the position, marked with an ellipsis.
  assert.equal(line, `  …${query.slice(query.indexOf('nope') - 60)}`);
  assert.equal(caret.indexOf('^'), line.indexOf('nope'));
});

test('an error without a position has no caret', () => {
  assert.equal(describeQueryError(new QueryError('boom'), 'x'), 'query error: boom');
});
