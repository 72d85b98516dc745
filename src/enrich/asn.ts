// IP → autonomous system (number and organisation) from the range tables of @ip-location-db/asn
// (see data.ts). Each family's CSV is parsed on its first lookup into sorted arrays searched by
// bisection: ~400k IPv4 ranges fit in two Uint32Arrays, ~100k IPv6 ranges in bigint arrays.
import { readFileSync } from 'node:fs';
import type { ParsedIp } from './ip.js';

export interface AsnRecord {
  asn: number;
  organization: string;
}

interface RangeTable<T extends number | bigint> {
  starts: ArrayLike<T>;
  ends: ArrayLike<T>;
  asns: Uint32Array;
  /** The file text; each row's organisation is read from it only when looked up. */
  text: string;
  orgStart: Uint32Array;
  orgEnd: Uint32Array;
}

/** Splits one CSV line with RFC 4180 quoting (`"LLC ""X"""` → `LLC "X"`). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      i++; // the comma after the closing quote
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/** Reads `start,end,asn,organisation` lines (numeric start/end) into a sorted range table. */
function parseTable<T extends number | bigint>(path: string, parse: (text: string) => T): RangeTable<T> {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (error) {
    throw new Error(
      `Cannot read the IP-to-ASN data ${path} (${(error as Error).message}); reinstall kaudit's dependencies (npm install).`,
    );
  }
  const starts: T[] = [];
  const ends: T[] = [];
  const asnList: number[] = [];
  const orgStarts: number[] = [];
  const orgEnds: number[] = [];
  let sorted = true;
  // Hand-rolled scan: the IPv4 file has ~400k lines and this runs on the first lookup of a query.
  // Organisation names stay in the file text until a lookup needs one.
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    if (eol > pos) {
      const c1 = text.indexOf(',', pos);
      const c2 = text.indexOf(',', c1 + 1);
      const c3 = text.indexOf(',', c2 + 1);
      const start = parse(text.slice(pos, c1));
      if (starts.length > 0 && start < starts[starts.length - 1]) sorted = false;
      starts.push(start);
      ends.push(parse(text.slice(c1 + 1, c2)));
      asnList.push(Number(text.slice(c2 + 1, c3)));
      orgStarts.push(c3 + 1);
      orgEnds.push(text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol);
    }
    pos = eol + 1;
  }
  let order = starts.map((_, i) => i);
  if (!sorted) order = order.sort((a, b) => (starts[a] < starts[b] ? -1 : starts[a] > starts[b] ? 1 : 0));
  const pick = <V>(values: V[]) => (sorted ? values : order.map((i) => values[i]));
  const compact = typeof starts[0] === 'number';
  return {
    starts: compact ? Uint32Array.from(pick(starts) as number[]) : pick(starts),
    ends: compact ? Uint32Array.from(pick(ends) as number[]) : pick(ends),
    asns: Uint32Array.from(pick(asnList)),
    text,
    orgStart: Uint32Array.from(pick(orgStarts)),
    orgEnd: Uint32Array.from(pick(orgEnds)),
  } as RangeTable<T>;
}

function organizationAt(table: RangeTable<number | bigint>, row: number): string {
  const raw = table.text.slice(table.orgStart[row], table.orgEnd[row]);
  const field = raw.startsWith('"') ? (splitCsvLine(raw)[0] ?? '') : raw;
  // Read as latin1 so offsets are byte offsets; names are UTF-8.
  return Buffer.from(field, 'latin1').toString('utf8');
}

function find<T extends number | bigint>(table: RangeTable<T>, value: T): AsnRecord | null {
  let low = 0;
  let high = table.starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (table.starts[mid] <= value) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (found < 0 || table.ends[found] < value) return null;
  return { asn: table.asns[found], organization: organizationAt(table, found) };
}

export class AsnTable {
  private ipv4: RangeTable<number> | undefined;
  private ipv6: RangeTable<bigint> | undefined;

  constructor(
    private readonly ipv4Path: string,
    private readonly ipv6Path: string,
  ) {}

  lookup(ip: ParsedIp): AsnRecord | null {
    if (ip.version === 4) {
      this.ipv4 ??= parseTable(this.ipv4Path, Number);
      return find(this.ipv4, ip.value);
    }
    this.ipv6 ??= parseTable(this.ipv6Path, BigInt);
    return find(this.ipv6, ip.value);
  }
}
