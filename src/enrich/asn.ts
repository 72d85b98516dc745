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
  organizationIndex: Uint32Array;
  organizations: string[];
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

function parseTable<T extends number | bigint>(path: string, parse: (text: string) => T): RangeTable<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the IP-to-ASN data ${path} (${(error as Error).message}); reinstall kaudit's dependencies (npm install).`,
    );
  }
  const rows: { start: T; end: T; asn: number; org: string }[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [start, end, asn, org] = splitCsvLine(line);
    rows.push({ start: parse(start), end: parse(end), asn: Number(asn), org: org ?? '' });
  }
  rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const organizations: string[] = [];
  const orgIds = new Map<string, number>();
  const organizationIndex = new Uint32Array(rows.length);
  const asns = new Uint32Array(rows.length);
  const starts: T[] = new Array<T>(rows.length);
  const ends: T[] = new Array<T>(rows.length);
  rows.forEach((row, i) => {
    let id = orgIds.get(row.org);
    if (id === undefined) {
      id = organizations.push(row.org) - 1;
      orgIds.set(row.org, id);
    }
    organizationIndex[i] = id;
    asns[i] = row.asn;
    starts[i] = row.start;
    ends[i] = row.end;
  });
  const compact = typeof starts[0] === 'number';
  return {
    starts: compact ? Uint32Array.from(starts as number[]) : starts,
    ends: compact ? Uint32Array.from(ends as number[]) : ends,
    asns,
    organizationIndex,
    organizations,
  } as RangeTable<T>;
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
  return { asn: table.asns[found], organization: table.organizations[table.organizationIndex[found]] };
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
