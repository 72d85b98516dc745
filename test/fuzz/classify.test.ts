import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/cli/errors.js';
import { QueryError } from '../../src/query/errors.js';
import { classify, signature } from './classify.js';

test('classify: the errors kaudit means users to see are refusals', () => {
  assert.deepEqual(classify(new QueryError("Column 'x' cannot be resolved", 3)), {
    kind: 'refused',
    message: "Column 'x' cannot be resolved",
  });
  assert.equal(classify(new UserError('the query ran longer than 3000 ms')).kind, 'refused');
});

test('classify: DuckDB messages, bare or wrapped by the statement check, are runtime errors or compiler gaps', () => {
  assert.equal(
    classify(new Error("Conversion Error: Could not convert string 'x' to INT32")).kind,
    'runtime',
  );
  assert.equal(classify(new Error('Binder Error: Referenced column "x" not found')).kind, 'gap');
  assert.deepEqual(
    classify(
      new QueryError('The query cannot run: Binder Error: GROUP BY clause cannot contain aggregates!'),
    ),
    {
      kind: 'gap',
      message: 'Binder Error: GROUP BY clause cannot contain aggregates!',
    },
  );
  assert.equal(
    classify(new QueryError('The query cannot run: Out of Range Error: Overflow')).kind,
    'runtime',
  );
});

test('classify: JavaScript exceptions, internal errors and empty messages are bugs', () => {
  assert.equal(classify(new TypeError('this.key is not a function')).kind, 'bug');
  assert.equal(classify(new RangeError('Maximum call stack size exceeded')).kind, 'bug');
  assert.equal(
    classify(new Error('INTERNAL Error: Attempted to access index 3 within vector of size 3')).kind,
    'bug',
  );
  assert.equal(classify(new QueryError('')).kind, 'bug');
  assert.equal(classify('a string').kind, 'bug');
});

test('signature groups messages that differ only in names and numbers', () => {
  assert.equal(
    signature("Could not convert string 'pods' to INT32"),
    signature("Could not convert string 'alice' to INT64"),
  );
  assert.notEqual(signature('Binder Error: a'), signature('Parser Error: a'));
});
