// The SLS CIDR helpers (ip_prefix, ip_subnet_min/max/range, is_subnet_of, is_prefix_subnet_of) with
// Presto's semantics (SLS is Presto-derived, shared/spec/sls-query.md §4.1): host bits in a prefix
// are ignored, IPv4 and IPv6 never contain each other, and text that is not an address or prefix
// gives NULL (a log field holding garbage should not fail the whole query).
import { broadcastOf, cidrContains, formatIp, maxPrefix, networkOf, parseCidr, parseIp } from './ip.js';

/** A bad constant argument (not a bad log value): the query fails with this message. */
export class EnrichArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnrichArgumentError';
  }
}

/** `ip_prefix('192.168.1.77', 24)` → `192.168.1.0/24`. */
export function ipPrefix(ipText: string, bits: number): string | null {
  const ip = parseIp(ipText);
  if (ip === null) return null;
  const max = maxPrefix(ip.version);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) {
    throw new EnrichArgumentError(
      `ip_prefix: prefix length ${bits} is out of range for IPv${ip.version} address '${ipText}'; use 0 to ${max}.`,
    );
  }
  return `${formatIp(networkOf(ip, bits))}/${bits}`;
}

/** `ip_subnet_min('192.168.1.77/24')` → `192.168.1.0`. */
export function ipSubnetMin(cidrText: string): string | null {
  const cidr = parseCidr(cidrText);
  return cidr === null ? null : formatIp(cidr.network);
}

/** `ip_subnet_max('192.168.1.77/24')` → `192.168.1.255`. */
export function ipSubnetMax(cidrText: string): string | null {
  const cidr = parseCidr(cidrText);
  return cidr === null ? null : formatIp(broadcastOf(cidr.network, cidr.prefix));
}

/** `ip_subnet_range('192.168.1.77/24')` → `["192.168.1.0","192.168.1.255"]` (JSON array text, like other arrays). */
export function ipSubnetRange(cidrText: string): string | null {
  const min = ipSubnetMin(cidrText);
  const max = ipSubnetMax(cidrText);
  return min === null || max === null ? null : JSON.stringify([min, max]);
}

/** `is_subnet_of('192.168.0.1/24', '192.168.0.200')` → true. */
export function isSubnetOf(cidrText: string, ipText: string): boolean | null {
  const cidr = parseCidr(cidrText);
  const ip = parseIp(ipText);
  if (cidr === null || ip === null) return null;
  return cidrContains(cidr, ip);
}

/** `is_prefix_subnet_of('10.0.0.0/8', '10.1.0.0/16')` → true: the second prefix lies inside the first. */
export function isPrefixSubnetOf(outerText: string, innerText: string): boolean | null {
  const outer = parseCidr(outerText);
  const inner = parseCidr(innerText);
  if (outer === null || inner === null) return null;
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.network);
}
