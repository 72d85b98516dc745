import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../cli/errors.js';
import { parseIp } from './ip.js';
import { ThreatLists, type ThreatListProblem } from './threat.js';

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kaudit-threat-')), name);
  writeFileSync(path, text);
  return path;
}

const has = (lists: ThreatLists, ip: string) => lists.contains(parseIp(ip)!);

test('matches single addresses and CIDR ranges, ignoring comments and blanks', () => {
  const path = tempFile(
    'feed.txt',
    [
      '# example feed',
      '',
      '203.0.113.7',
      '198.51.100.0/24   # a whole /24',
      '  2001:db8::/32',
      '192.0.2.1 # inline',
    ].join('\n'),
  );
  const lists = new ThreatLists([path]);
  assert.equal(has(lists, '203.0.113.7'), true);
  assert.equal(has(lists, '203.0.113.8'), false);
  assert.equal(has(lists, '198.51.100.0'), true);
  assert.equal(has(lists, '198.51.100.255'), true);
  assert.equal(has(lists, '198.51.101.0'), false);
  assert.equal(has(lists, '192.0.2.1'), true);
  assert.equal(has(lists, '2001:db8:1::5'), true);
  assert.equal(has(lists, '2001:db9::'), false);
  assert.equal(has(lists, '::ffff:203.0.113.7'), true);
});

test('unions several files and merges overlapping ranges', () => {
  const a = tempFile('a.txt', '10.0.0.0/25\n10.0.0.100/30\n');
  const b = tempFile('b.txt', '10.0.0.128/25\n');
  const lists = new ThreatLists([a, b]);
  // /25 + /25 are adjacent (…0–127, …128–255) and the /30 sits inside the first: one range.
  assert.deepEqual(lists.size, { ipv4Ranges: 1, ipv6Ranges: 0 });
  assert.equal(has(lists, '10.0.0.200'), true);
  assert.equal(has(lists, '10.0.1.0'), false);
});

test('a malformed line is a UserError naming the file and line', () => {
  const path = tempFile('bad.txt', '1.2.3.4\n# ok\nevil.example.com\n');
  assert.throws(
    () => new ThreatLists([path]),
    (error: unknown) =>
      error instanceof UserError &&
      error.message.includes(`${path} line 3`) &&
      error.message.includes("'evil.example.com'"),
  );
});

test('a missing file is a UserError naming it', () => {
  assert.throws(
    () => new ThreatLists(['/nonexistent/kaudit-feed.txt']),
    /Cannot read threat list \/nonexistent\/kaudit-feed\.txt \(ENOENT\)/,
  );
});

test('reloads a file when it changes, and only after the check interval', () => {
  const path = tempFile('feed.txt', '203.0.113.7\n');
  let clock = 1_000;
  const lists = new ThreatLists([path], { checkIntervalMs: 1000, now: () => clock });
  assert.equal(has(lists, '203.0.113.7'), true);
  writeFileSync(path, '198.51.100.9\n');
  utimesSync(path, new Date(), new Date(Date.now() + 5000)); // make sure the mtime moves
  clock += 500;
  lists.refresh();
  assert.equal(has(lists, '203.0.113.7'), true, 'not re-read before the interval');
  clock += 600;
  const before = lists.generation;
  lists.refresh();
  assert.equal(has(lists, '203.0.113.7'), false);
  assert.equal(has(lists, '198.51.100.9'), true);
  assert.equal(lists.generation, before + 1);
});

test('a changed file that became invalid keeps the old contents and is reported once', () => {
  const path = tempFile('feed.txt', '203.0.113.7\n');
  const problems: ThreatListProblem[] = [];
  const lists = new ThreatLists([path], { checkIntervalMs: 0, onProblem: (p) => problems.push(p) });
  writeFileSync(path, '203.0.113.7\nnot-an-ip\n');
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  lists.refresh();
  lists.refresh();
  assert.equal(has(lists, '203.0.113.7'), true);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /line 2: 'not-an-ip'/);
});

test('the documented example feed loads and means what its comments say', () => {
  const lists = new ThreatLists([join(process.cwd(), 'docs/examples/threat-feed.txt')]);
  assert.equal(has(lists, '203.0.113.66'), true);
  assert.equal(has(lists, '203.0.113.67'), false);
  assert.equal(has(lists, '198.51.100.200'), true);
  assert.equal(has(lists, '192.0.2.127'), false); // the /25 starts at .128
  assert.equal(has(lists, '192.0.2.200'), true);
  assert.equal(has(lists, '2001:db8:bad:1::1'), true);
  assert.equal(has(lists, '2001:db8::dead:beef'), true);
  assert.equal(has(lists, '2001:db8::dead:bef0'), false);
  assert.deepEqual(lists.size, { ipv4Ranges: 3, ipv6Ranges: 2 });
});
