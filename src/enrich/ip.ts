// IP address text → numbers and back, CIDR prefixes, and the intranet ranges of the SLS IP functions.
// IPv4 values are plain numbers (0 … 2^32-1) so range tables stay cheap; IPv6 values are bigints.
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is treated as the IPv4 address it carries, as
// Presto's IPADDRESS type does, so `::ffff:10.0.0.1` is intranet and geolocates like 10.0.0.1.

export type ParsedIp = { version: 4; value: number } | { version: 6; value: bigint };

export interface Cidr {
  /** The network address (host bits cleared). */
  network: ParsedIp;
  /** Prefix length: 0–32 for IPv4, 0–128 for IPv6. */
  prefix: number;
}

function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    // Leading zeros are refused: `010` means 8 to some parsers and 10 to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === null || tail === null) return null;
  // An embedded IPv4 part may only end the address.
  if (halves.length === 2 && halves[0].includes('.')) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Parses IPv4 dotted-quad or IPv6 text; returns null for anything else (no trimming, no zone ids). */
export function parseIp(text: string): ParsedIp | null {
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    if (v6 === null) return null;
    if (v6 >> 32n === 0xffffn) return { version: 4, value: Number(v6 & 0xffffffffn) };
    return { version: 6, value: v6 };
  }
  const v4 = parseIpv4(text);
  return v4 === null ? null : { version: 4, value: v4 };
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** RFC 5952 text: lower-case hex, the longest run (≥ 2) of zero groups shortened to `::`. */
function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatIp(ip: ParsedIp): string {
  return ip.version === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value);
}

export function maxPrefix(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

function networkOfV4(value: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) * size;
}

function networkOfV6(value: bigint, prefix: number): bigint {
  const hostBits = BigInt(128 - prefix);
  return (value >> hostBits) << hostBits;
}

/** The first address of the `prefix`-bit network holding `ip`. */
export function networkOf(ip: ParsedIp, prefix: number): ParsedIp {
  return ip.version === 4
    ? { version: 4, value: networkOfV4(ip.value, prefix) }
    : { version: 6, value: networkOfV6(ip.value, prefix) };
}

/** The last address of the `prefix`-bit network holding `ip`. */
export function broadcastOf(ip: ParsedIp, prefix: number): ParsedIp {
  if (ip.version === 4) return { version: 4, value: networkOfV4(ip.value, prefix) + 2 ** (32 - prefix) - 1 };
  const hostMask = (1n << BigInt(128 - prefix)) - 1n;
  return { version: 6, value: networkOfV6(ip.value, prefix) | hostMask };
}

/**
 * Parses `address/prefix` (host bits may be set, as in SLS's `192.168.0.1/24`). Returns null for
 * anything else, including a bare address.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseIp(text.slice(0, slash));
  if (address === null) return null;
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return null;
  let prefix = Number(bits);
  // A mapped IPv4 address written with an IPv6 prefix (`::ffff:1.2.3.0/120`) counts IPv6 bits.
  if (address.version === 4 && text.slice(0, slash).includes(':')) prefix -= 96;
  if (prefix < 0 || prefix > maxPrefix(address.version)) return null;
  return { network: networkOf(address, prefix), prefix };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.network.version !== ip.version) return false;
  return networkOf(ip, cidr.prefix).value === cidr.network.value;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`;
}

// The intranet ranges of kaudit's decision U-3 (shared/spec/sls-query.md §9): RFC 1918, loopback,
// link-local, carrier-grade NAT (100.64/10), the unspecified IPv4 address, IPv6 loopback,
// link-local and unique-local. Exactly these; every other valid address is `internet`.
const INTRANET_RANGES: readonly Cidr[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '0.0.0.0/32',
  '::1/128',
  'fe80::/10',
  'fc00::/7',
].map((text) => parseCidr(text) as Cidr);

export function isIntranet(ip: ParsedIp): boolean {
  return INTRANET_RANGES.some((range) => cidrContains(range, ip));
}
