import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inspect } from 'node:util';
import {
  ConditionError,
  evaluateCondition,
  lintCondition,
  parseCondition,
  type RowCombination,
} from './condition.js';

function fires(text: string, ...rows: Record<string, unknown>[]): boolean {
  return evaluateCondition(parseCondition(text), rows as RowCombination);
}

test('the empty condition fires on any row', () => {
  assert.equal(fires('', { a: 1 }), true);
  assert.equal(fires('   ', {}), true);
});

test('comparisons: numeric when both sides convert, textual otherwise (worked by hand)', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    // "10" and "9" both convert: 10 > 9 numerically (as text "10" < "9").
    ['a > b', { a: '10', b: '9' }, true],
    // "abc" does not convert: text comparison, "abc" > "9" because "a" (0x61) > "9" (0x39).
    ['a > b', { a: 'abc', b: '9' }, true],
    ['a < b', { a: 'abc', b: '9' }, false],
    // variable vs number literal: numeric; 100.0 == 100.
    ['a == 100', { a: '100.0' }, true],
    // variable vs string literal: text; "100.0" != "100".
    ['a == "100"', { a: '100.0' }, false],
    ['a == "100"', { a: 100 }, true],
    ['a != "x"', { a: 'y' }, true],
    ['a >= 5', { a: 5 }, true],
    ['a <= 4.5', { a: 5 }, false],
    // bigint values convert.
    ['a > 1', { a: 2n }, true],
    // arithmetic converts to numbers.
    ['a + b > 10', { a: '4', b: 7 }, true],
    ['a * 2 == 9', { a: 4.5 }, true],
    ['a % 3 == 1', { a: 10 }, true],
    ['a / 4 == 2.5', { a: 10 }, true],
    ['a - b < 0', { a: 1, b: 2 }, true],
    // precedence: * before +: 2 + 3 * 4 = 14.
    ['2 + 3 * 4 == 14', {}, true],
    ['(2 + 3) * 4 == 20', {}, true],
    // negative literal in parentheses.
    ['a + (-100) < 100', { a: 150 }, true],
    ['a + (-100) < 100', { a: 250 }, false],
  ];
  for (const [text, row, want] of cases) assert.equal(fires(text, row), want, `${text} on ${inspect(row)}`);
});

test('logic: && binds tighter than ||, ! on parentheses, short forms', () => {
  // true || (false && false) = true; (true || false) && false would be false.
  assert.equal(fires('a == 1 || a == 2 && b == 3', { a: 1, b: 0 }), true);
  assert.equal(fires('!(a == 1)', { a: 1 }), false);
  assert.equal(fires('!(a == 1)', { a: 2 }), true);
  assert.equal(fires('!(a == 1 || b == 1) && c == 1', { a: 0, b: 0, c: 1 }), true);
  assert.equal(fires('true'), true);
  assert.equal(fires('false || true'), true);
  assert.equal(fires('true && false'), false);
});

test('only a boolean true fires: 100+100 and a bare column do not', () => {
  assert.equal(fires('100+100', {}), false);
  assert.equal(fires('a', { a: 'true' }), false);
  assert.equal(parseCondition('100+100').boolean, false);
});

test('regex match is partial (RE2 MatchString); backslashes are doubled in literals', () => {
  assert.equal(fires('a =~ "b"', { a: 'abc' }), true);
  assert.equal(fires('a =~ "^b"', { a: 'abc' }), false);
  assert.equal(fires('a =~ "\\\\w+"', { a: '!!x' }), true); // literal "\\w+" is the pattern \w+
  assert.equal(fires('a =~ "\\\\w+"', { a: '!!' }), false);
  assert.equal(fires('a !~ "^10\\\\."', { a: '192.168.0.1' }), true);
  assert.equal(fires('a !~ "^10\\\\."', { a: '10.1.2.3' }), false);
  // `.*` matches everything, the empty value included.
  assert.equal(fires('a =~ ".*"', { a: '' }), true);
  // (?i) inline flag and (?P<name>…) RE2 named groups are accepted.
  assert.equal(fires('a =~ "(?i)ADMIN"', { a: 'cluster-admin' }), true);
  assert.equal(fires('a =~ "(?P<x>ad)min"', { a: 'admin' }), true);
  // numbers are matched as their text.
  assert.equal(fires('a =~ "^40[13]$"', { a: 403 }), true);
});

test('patterns RE2 cannot run are refused with their position', () => {
  for (const p of ['"(?<=a)b"', '"(?!a)b"', '"(a)\\\\1"']) {
    const text = `x =~ ${p}`;
    assert.throws(
      () => parseCondition(text),
      (e: unknown) => e instanceof ConditionError && e.position === 5 && /RE2/.test(e.message),
      text,
    );
  }
  // a backslash-1 inside a character class is not a backreference
  assert.doesNotThrow(() => parseCondition('x =~ "[\\\\1]"'));
});

test('contains() is a substring test on text', () => {
  assert.equal(fires('contains(a, "exec")', { a: 'pods/exec' }), true);
  assert.equal(fires('contains(a, b)', { a: 'x123y', b: 123 }), true);
  assert.equal(fires('contains(a, "z")', { a: 'abc' }), false);
});

test('$N. reads the row of query N; without $N the first query', () => {
  const rows: RowCombination = [{ total: 5 }, { total: 9, name: 'b' }];
  assert.equal(evaluateCondition(parseCondition('$1.total > $0.total'), rows), true);
  assert.equal(evaluateCondition(parseCondition('total == 5 && $1.name == "b"'), rows), true);
  assert.equal(evaluateCondition(parseCondition('$2.total == ""'), rows), true);
});

test('odd names: brackets, Unicode letters, backslash escapes', () => {
  assert.equal(fires('[5xx ratio(%)] > 20', { '5xx ratio(%)': 21 }), true);
  assert.equal(fires('[404] > 20', { '404': 3 }), false);
  assert.equal(fires('源地址 =~ ".*"', { 源地址: '1.2.3.4' }), true);
  assert.equal(fires('平均响应时间\\(s\\) > 60', { '平均响应时间(s)': 61 }), true);
  assert.equal(fires('$1.[Source IP address] == "x"', {}, { 'Source IP address': 'x' }), true);
  assert.equal(fires('user.username == "alice"', { 'user.username': 'alice' }), true);
});

test('a missing column reads as the empty string (decision U-4)', () => {
  // The ACK example: the query returns 事件ID…, the condition names 操作事件; it fires on every row.
  assert.equal(fires('操作事件 =~ ".*"', { 事件ID: 'x' }), true);
  assert.equal(fires('missing == ""', { a: 1 }), true);
  assert.equal(fires('missing > 0', { a: 1 }), false); // "" vs 0: "" does not convert → text "" > "0" false
  const lint = lintCondition(parseCondition('操作事件 =~ ".*"'), [['事件ID', '操作时间']]);
  assert.equal(lint.length, 1);
  assert.equal(lint[0].severity, 'warning');
  assert.match(lint[0].message, /操作事件/);
});

test('lint: a query index beyond the rule, a non-boolean, an overlong condition', () => {
  assert.equal(lintCondition(parseCondition('$1.a > 1'), [['a']])[0].severity, 'error');
  assert.match(lintCondition(parseCondition('1+1'), [[]])[0].message, /never fires/);
  assert.match(
    lintCondition(parseCondition('a > 1 && ' + 'b > 1 && '.repeat(14) + 'c > 1'), [['a', 'b', 'c']])[0]
      .message,
    /128/,
  );
  assert.deepEqual(lintCondition(parseCondition('a > 1'), [undefined]), []);
});

test('arithmetic on text does not fire (and is no error)', () => {
  assert.equal(fires('a + 1 > 0', { a: 'x' }), false);
});

test('parse errors name the position and what to do', () => {
  const cases: [string, number, RegExp][] = [
    ['a = 1', 2, /==/],
    ['a > 1 & b', 6, /&&/],
    ['a > ', 4, /ends too early/],
    ['(a > 1', 6, /\)/],
    ['a > -1', 4, /parenthesised/],
    ['!a == 1', 0, /parenthesised/],
    ['a && b > 1', 0, /both sides/],
    ['"x" + 1 > 0', 4, /numbers/],
    ['Source IP address =~ ".*"', 7, /\[Source IP/],
    ['a == "open', 5, /not closed/],
    ['[abc > 1', 0, /\]/],
    ['$3.a > 1', 0, /at most 3/],
    ['$x > 1', 0, /\$0\.field/],
    ['5xx > 1', 0, /brackets/],
    ['a > 1 #', 6, /unexpected character/],
  ];
  for (const [text, pos, re] of cases) {
    assert.throws(
      () => parseCondition(text),
      (e: unknown) => {
        assert.ok(e instanceof ConditionError, `${text}: ${String(e)}`);
        assert.equal(e.position, pos, `${text}: ${e.message}`);
        assert.match(e.message, re, text);
        return true;
      },
    );
  }
});

test('property: a == b agrees with numeric equality for numbers and text equality for words', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (x, y) => {
      const row = { a: String(x), b: y };
      assert.equal(fires('a == b', row), x === y);
      assert.equal(fires('a < b', row), x < y);
    }),
  );
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z]{1,8}$/), (x, y) => {
      assert.equal(fires('a < b', { a: x, b: y }), x < y);
      assert.equal(fires('!(a == b)', { a: x, b: y }), x !== y);
    }),
  );
});

test('property: a string literal round-trips through doubled backslashes and escaped quotes', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (s) => {
      const lit = '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
      assert.equal(fires(`a == ${lit}`, { a: s }), true);
    }),
  );
});
