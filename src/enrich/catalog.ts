// The IP functions kaudit adds to the query engine: their SLS names, the SQL names the dialects call,
// argument and result types, and the engine-neutral implementation. The query function catalogue
// (src/query/functions.ts) and each dialect rely on these names; the DuckDB registration
// (duckdb.ts) turns every entry into a scalar function.
import { ipPrefix, ipSubnetMax, ipSubnetMin, ipSubnetRange, isPrefixSubnetOf, isSubnetOf } from './cidr.js';
import type { Enricher } from './enricher.js';

export type EnrichParamType = 'varchar' | 'bigint';
export type EnrichReturnType = 'varchar' | 'bigint' | 'boolean' | 'array';
export type EnrichValue = string | number | boolean | string[] | null;

export interface EnrichFunction {
  /** Name the dialects call, e.g. `kaudit_ip_to_country`. */
  sqlName: string;
  /** Arguments an SLS query may pass (`ip_to_country(ip[, 'en'])` → 1..2). */
  minArgs: number;
  maxArgs: number;
  /**
   * Parameters of the SQL function: always `maxArgs` of them. A missing optional SLS argument is
   * passed as `''` (for the language argument: the configured locale applies).
   */
  params: EnrichParamType[];
  returns: EnrichReturnType;
  /** One line for docs. */
  doc: string;
  /** Computes one result from non-NULL arguments (NULL in → NULL out is the engine's job). */
  evaluate(enricher: Enricher, args: readonly (string | number)[]): EnrichValue;
}

const str = (args: readonly (string | number)[], i: number) => String(args[i]);

export const ENRICH_FUNCTIONS: Readonly<Record<string, EnrichFunction>> = {
  ip_to_domain: {
    sqlName: 'kaudit_ip_to_domain',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: "'intranet' for private/loopback/link-local addresses, 'internet' for other addresses, NULL for non-addresses",
    evaluate: (e, a) => e.domain(str(a, 0)),
  },
  ip_to_country: {
    sqlName: 'kaudit_ip_to_country',
    minArgs: 1,
    maxArgs: 2,
    params: ['varchar', 'varchar'],
    returns: 'varchar',
    doc: "country name in the configured locale; with 'en' the ISO 3166 code",
    evaluate: (e, a) => e.country(str(a, 0), str(a, 1)),
  },
  ip_to_country_code: {
    sqlName: 'kaudit_ip_to_country_code',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: 'ISO 3166 country code',
    evaluate: (e, a) => e.countryCode(str(a, 0)),
  },
  ip_to_province: {
    sqlName: 'kaudit_ip_to_province',
    minArgs: 1,
    maxArgs: 2,
    params: ['varchar', 'varchar'],
    returns: 'varchar',
    doc: 'state/province name as the data has it',
    evaluate: (e, a) => e.province(str(a, 0), str(a, 1)),
  },
  ip_to_city: {
    sqlName: 'kaudit_ip_to_city',
    minArgs: 1,
    maxArgs: 2,
    params: ['varchar', 'varchar'],
    returns: 'varchar',
    doc: 'city name as the data has it',
    evaluate: (e, a) => e.cityName(str(a, 0), str(a, 1)),
  },
  ip_to_geo: {
    sqlName: 'kaudit_ip_to_geo',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: "'latitude,longitude' of the address",
    evaluate: (e, a) => e.geo(str(a, 0)),
  },
  ip_to_city_geo: {
    sqlName: 'kaudit_ip_to_city_geo',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: "'latitude,longitude' of the address's city",
    evaluate: (e, a) => e.cityGeo(str(a, 0)),
  },
  ip_to_provider: {
    sqlName: 'kaudit_ip_to_provider',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: 'network operator (organisation of the announcing autonomous system)',
    evaluate: (e, a) => e.provider(str(a, 0)),
  },
  security_check_ip: {
    sqlName: 'kaudit_security_check_ip',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'bigint',
    doc: '1 when the address is in a configured threat list, else 0',
    evaluate: (e, a) => e.securityCheck(str(a, 0)),
  },
  ip_prefix: {
    sqlName: 'kaudit_ip_prefix',
    minArgs: 2,
    maxArgs: 2,
    params: ['varchar', 'bigint'],
    returns: 'varchar',
    doc: "the address's network as CIDR text: ip_prefix('192.168.1.77', 24) → '192.168.1.0/24'",
    evaluate: (_e, a) => ipPrefix(str(a, 0), Number(a[1])),
  },
  ip_subnet_min: {
    sqlName: 'kaudit_ip_subnet_min',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: 'first address of a CIDR prefix',
    evaluate: (_e, a) => ipSubnetMin(str(a, 0)),
  },
  ip_subnet_max: {
    sqlName: 'kaudit_ip_subnet_max',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'varchar',
    doc: 'last address of a CIDR prefix',
    evaluate: (_e, a) => ipSubnetMax(str(a, 0)),
  },
  ip_subnet_range: {
    sqlName: 'kaudit_ip_subnet_range',
    minArgs: 1,
    maxArgs: 1,
    params: ['varchar'],
    returns: 'array',
    doc: 'array [first, last] of a CIDR prefix',
    evaluate: (_e, a) => {
      const range = ipSubnetRange(str(a, 0));
      return range === null ? null : (JSON.parse(range) as string[]);
    },
  },
  is_subnet_of: {
    sqlName: 'kaudit_is_subnet_of',
    minArgs: 2,
    maxArgs: 2,
    params: ['varchar', 'varchar'],
    returns: 'boolean',
    doc: "true when the address lies in the prefix: is_subnet_of('10.0.0.0/8', ip)",
    evaluate: (_e, a) => isSubnetOf(str(a, 0), str(a, 1)),
  },
  is_prefix_subnet_of: {
    sqlName: 'kaudit_is_prefix_subnet_of',
    minArgs: 2,
    maxArgs: 2,
    params: ['varchar', 'varchar'],
    returns: 'boolean',
    doc: 'true when the second prefix lies inside the first',
    evaluate: (_e, a) => isPrefixSubnetOf(str(a, 0), str(a, 1)),
  },
};
