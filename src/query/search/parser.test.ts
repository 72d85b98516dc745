// Parser of the search statement: AST shapes for each construct of sls-query.md §3.2–§3.5 and
// errors with positions. Execution semantics are tested on a real store in
// src/store/duckdb/dialect/search.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QueryError } from '../errors.js';
import type { SearchNode } from './ast.js';
import { parseSearch } from './index.js';
import { tokenText } from './tokens.js';

/** A compact rendering of the AST, so expected trees are easy to write by hand. */
function show(n: SearchNode): string {
  const f = (x: { name: string }): string => x.name;
  switch (n.type) {
    case 'all':
      return 'ALL';
    case 'and':
      return `(${show(n.left)} & ${show(n.right)})`;
    case 'or':
      return `(${show(n.left)} | ${show(n.right)})`;
    case 'minus':
      return `(${show(n.left)} - ${show(n.right)})`;
    case 'not':
      return `!${show(n.operand)}`;
    case 'match': {
      const toks = n.tokens.map(tokenText).join(n.phrase ? '+' : ',');
      return `${n.field ? f(n.field) : '*'}~${n.phrase ? '#' : ''}[${toks}]`;
    }
    case 'exists':
      return `${f(n.field)}:*`;
    case 'empty':
      return `${f(n.field)}:""`;
    case 'exact':
      return `${f(n.field)}==${tokenText(n.value)}`;
    case 'compare':
      return `${f(n.field)}${n.op}${n.value}`;
    case 'range':
      return `${f(n.field)}${n.lowInclusive ? '[' : '('}${n.low},${n.high}${n.highInclusive ? ']' : ')'}`;
  }
}

const p = (q: string): string => show(parseSearch(q));

function throwsAt(query: string, position: number, pattern: RegExp, offset = 0, suggestion?: string): void {
  assert.throws(
    () => parseSearch(query, offset),
    (e: unknown) => {
      assert.ok(e instanceof QueryError, `expected a QueryError for ${query}`);
      assert.equal(e.position, position, `position for ${query}: ${e.message}`);
      assert.match(e.message, pattern);
      assert.equal(e.suggestion, suggestion);
      return true;
    },
  );
}

describe('parseSearch: structure', () => {
  test('empty and * mean all logs', () => {
    assert.equal(p(''), 'ALL');
    assert.equal(p('   '), 'ALL');
    assert.equal(p('*'), 'ALL');
    assert.equal(p('* and verb:get'), '(ALL & verb~[get])');
  });

  test('field and full-text terms are tokenised, lower-cased', () => {
    assert.equal(p('user.username: system:node:Worker-1'), 'user.username~[system,node,worker-1]');
    assert.equal(p('Verb:GET'), 'verb~[get]');
    assert.equal(p('verb : create'), 'verb~[create]');
    assert.equal(p('10.0.0.1'), '*~[10.0.0.1]');
    assert.equal(p('"a b"'), '*~[a,b]');
    assert.equal(p('key_name.x-y'), '*~[key_name.x-y]');
  });

  test('precedence: and > not > or, unary not tightest, juxtaposition is and', () => {
    assert.equal(p('a not b and c'), '(*~[a] - (*~[b] & *~[c]))');
    assert.equal(p('a and b not c'), '((*~[a] & *~[b]) - *~[c])');
    assert.equal(p('a or b not c'), '(*~[a] | (*~[b] - *~[c]))');
    assert.equal(p('a b or c'), '((*~[a] & *~[b]) | *~[c])');
    assert.equal(p('not a b'), '(!*~[a] & *~[b])');
    assert.equal(p('not not a'), '!!*~[a]');
    assert.equal(p('a not b not c'), '((*~[a] - *~[b]) - *~[c])');
    assert.equal(p('(a or b) c'), '((*~[a] | *~[b]) & *~[c])');
    assert.equal(p('a AND b Or c'), '((*~[a] & *~[b]) | *~[c])');
    assert.equal(p('a and not b'), '(*~[a] & !*~[b])');
  });

  test('operator words inside longer words are words', () => {
    assert.equal(p('notify order android'), '((*~[notify] & *~[order]) & *~[android])');
    assert.equal(p('"and" "NOT"'), '(*~[and] & *~[not])');
  });

  test('wildcards inside or at the end; literal in quotes', () => {
    assert.equal(p('kube-*'), '*~[kube-*]');
    assert.equal(p('k?be*x'), '*~[k?be*x]');
    assert.equal(p('www.yl*'), '*~[www.yl*]');
    assert.equal(p('requestURI:/api/v1/na*'), 'requestURI~[api,v1,na*]');
  });

  test('key:*, key:"", phrases, quoted keys', () => {
    assert.equal(p('objectRef.subresource:*'), 'objectRef.subresource:*');
    assert.equal(p('userAgent:""'), 'userAgent:""');
    assert.equal(p('#"a b c"'), '*~#[a+b+c]');
    assert.equal(p('verb:#"a b"'), 'verb~#[a+b]');
    assert.equal(p('"user.username": x'), 'user.username~[x]');
    // A lone trailing * token adds nothing: system:node:* is system and node.
    assert.equal(p('user.username: system:node:*'), 'user.username~[system,node]');
  });

  test('numeric fields: comparisons, equality by colon, ranges', () => {
    assert.equal(p('responseStatus.code>=400'), 'responseStatus.code>=400');
    assert.equal(p('responseStatus.code <  500'), 'responseStatus.code<500');
    assert.equal(p('responseStatus.code:403'), 'responseStatus.code=403');
    assert.equal(p('responseStatus.code = -1.5'), 'responseStatus.code=-1.5');
    assert.equal(p('responseStatus.code in [400 499]'), 'responseStatus.code[400,499]');
    assert.equal(p('responseStatus.code in (400 499)'), 'responseStatus.code(400,499)');
    assert.equal(p('responseStatus.code in[400 499)'), 'responseStatus.code[400,499)');
    assert.equal(p('__time__ > 1700000000'), '__time__>1700000000');
    assert.equal(p('__tag__:__receive_time__:1609837139'), '__tag__:__receive_time__=1609837139');
    assert.equal(p('__TAG__:__receive_time__ <= 5'), '__tag__:__receive_time__<=5');
  });

  test('`in` must be lower-case and `in (` only makes a range around two numbers', () => {
    assert.equal(p('verb IN [a b]'), '(((*~[verb] & *~[in]) & *~[a]) & *~[b])');
    assert.equal(p('eviction in (pods or nodes)'), '((*~[eviction] & *~[in]) & (*~[pods] | *~[nodes]))');
  });

  test('comparisons and ranges on text fields fall back to full text (§3.3)', () => {
    assert.equal(p('verb > list'), '*~[verb,list]');
    assert.equal(p('verb=get'), '*~[verb,get]');
    assert.equal(p('verb in [a b]'), '*~[verb,a,b]');
  });

  test('__source__ / __topic__ are whole-value; source is an alias', () => {
    assert.equal(p('__source__:/var/log/a.log'), '__source__==/var/log/a.log');
    assert.equal(p('source: /VAR/log/*'), '__source__==/var/log/*');
    assert.equal(p('__topic__:"a b"'), '__topic__==a b');
  });

  test('dynamic fields below JSON columns', () => {
    const n = parseSearch('annotations.authorization.k8s.io/reason: RoleBinding');
    assert.deepEqual(n, {
      type: 'match',
      field: {
        kind: 'path',
        name: 'annotations.authorization.k8s.io/reason',
        parent: 'annotations',
        keys: ['authorization.k8s.io/reason'],
      },
      tokens: [{ parts: [{ kind: 'text', text: 'rolebinding' }] }],
      phrase: false,
    });
    const c = parseSearch('requestObject.spec.replicas >= 3');
    assert.equal(c.type, 'compare');
    assert.deepEqual(c.type === 'compare' && c.field, {
      kind: 'path',
      name: 'requestObject.spec.replicas',
      parent: 'requestObject',
      keys: ['spec', 'replicas'],
    });
  });

  test('escapes: \\" \\\\ \\| in quoted and bare values', () => {
    assert.equal(p('k8s\\"x'), '*~[k8s,x]');
    assert.equal(p('"a\\"b"'), '*~[a,b]');
    assert.equal(p('userAgent: a\\|b'), 'userAgent~[a|b]');
    assert.equal(p('userAgent: "a\\\\b"'), 'userAgent~[a\\b]');
    // An unknown escape keeps its backslash.
    assert.equal(p('userAgent: "a\\xb"'), 'userAgent~[a\\xb]');
  });
});

describe('parseSearch: errors', () => {
  test('wildcard at the start of a word', () => {
    throwsAt('*abc', 0, /cannot start with a wildcard/);
    throwsAt('verb: get and user.username: ?x', 29, /cannot start with a wildcard/);
    throwsAt('user.username: a/*b', 17, /cannot start with a wildcard/);
  });

  test('unknown field with a did-you-mean, positions offset into the whole query', () => {
    throwsAt('usr.username: x', 0, /^Field 'usr.username' is not a searchable field$/, 0, 'user.username');
    throwsAt('objectRef.resourc: pods', 0, /'objectRef.resourc'/, 0, 'objectRef.resource');
    throwsAt('Sorce: x', 0, /'Sorce'/, 0, 'source');
    throwsAt('foo: x', 7, /'foo' is not a searchable field; docs\/query-search.md lists/, 7);
  });

  test('numeric field with a non-number', () => {
    throwsAt('responseStatus.code: abc', 21, /numeric.*'abc' is not a number/);
    throwsAt('responseStatus.code > x', 22, /needs a number/);
    throwsAt('responseStatus.code in [400 x]', 28, /'x'.*not a number/);
    throwsAt('responseStatus.code in [400]', 23, /Malformed range/);
  });

  test('structure errors', () => {
    throwsAt('(a or b', 7, /Missing '\)'.*position 0/);
    throwsAt('a or b)', 6, /Unmatched '\)'/);
    throwsAt('a or', 4, /ends where a search term was expected/);
    throwsAt('and a', 0, /needs a search term before it/);
    throwsAt('a ()', 3, /Empty parentheses/);
    throwsAt('verb:', 5, /needs a value/);
    throwsAt('verb: not', 6, /operator; to search for the word, quote it/);
    throwsAt('"abc', 0, /Unterminated quoted string/);
    throwsAt(': x', 0, /Unexpected ':'/);
    throwsAt('__tag__:__receive_time__ x', 24, /Expected ':' or a comparison/);
  });
});

describe('parseSearch: robustness', () => {
  test('any text either parses or fails with a QueryError that has a position inside the text', () => {
    const alphabet = fc.constantFrom(
      ...'ab z*?:"\\()[]#<>=|-._/@&,\n'.split(''),
      'and ',
      'or ',
      'not ',
      'verb',
      'user.username',
      'responseStatus.code',
      ' in ',
      '__tag__:',
      '403',
      'é',
      '😀',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), fc.nat(50), (parts, offset) => {
        const text = parts.join('');
        try {
          parseSearch(text, offset);
          return true;
        } catch (e) {
          if (!(e instanceof QueryError)) throw e;
          return e.position !== undefined && e.position >= offset && e.position <= offset + text.length;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
