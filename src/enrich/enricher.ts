// The SLS IP functions with kaudit's decisions (shared/spec/sls-query.md §4.2 and §9 U-3), engine-
// neutral: the DuckDB registration (duckdb.ts) and any other backend call these.
//  - ip_to_domain: `intranet` for the §9 ranges, `internet` for any other valid address, NULL for text
//    that is not an address;
//  - geo functions (country, country code, province, city, geo, city geo, provider): `intranet` for
//    intranet addresses, NULL for text that is not an address and for public addresses the data
//    cannot place;
//  - country names in English by default, Chinese when the configured locale is `zh` (ICU names);
//    `ip_to_country(ip, 'en')` is the ISO code as SLS documents. Province and city names are the
//    data's English names in every locale, and with `'en'` too: DB-IP Lite has no division codes;
//  - security_check_ip: 1 when the address is in an operator-configured threat list, else 0.
import { AsnTable } from './asn.js';
import { EnrichArgumentError } from './cidr.js';
import { packagedIpDataPaths, type IpDataPaths } from './data.js';
import { CityDatabase, countryName, formatGeo, type GeoRecord } from './geo.js';
import { isIntranet, parseIp, type ParsedIp } from './ip.js';
import { LruCache } from './lru.js';
import { ThreatLists, type ThreatListOptions } from './threat.js';

export type GeoLocale = 'en' | 'zh';

export interface EnricherOptions {
  /** Language of country names when a geo function gets no `'en'` argument: 'en' (default) or 'zh'. */
  locale?: GeoLocale;
  /** Files of IPs/CIDRs (one per line, `#` comments) for security_check_ip. */
  threatLists?: readonly string[];
  threatListOptions?: ThreatListOptions;
  /** Override the packaged data files (tests, or an operator with a newer copy). */
  dataPaths?: Partial<IpDataPaths>;
  /** Distinct addresses remembered (default 100 000). */
  cacheSize?: number;
}

export const INTRANET = 'intranet';

/** What one address text resolved to; geo and ASN are filled on first use. */
interface Resolved {
  ip: ParsedIp | null;
  intranet: boolean;
  geo?: GeoRecord | null;
  provider?: string | null;
}

function checkLang(fn: string, lang: string): void {
  if (lang !== '' && lang !== 'en') {
    throw new EnrichArgumentError(
      `${fn}: the second argument must be 'en' (or left out for the configured locale), not '${lang}'.`,
    );
  }
}

export class Enricher {
  readonly locale: GeoLocale;
  private readonly city: CityDatabase;
  private readonly asn: AsnTable;
  private readonly threats: ThreatLists | null;
  private readonly cache: LruCache<string, Resolved>;

  constructor(opts: EnricherOptions = {}) {
    this.locale = opts.locale ?? 'en';
    const paths = { ...packagedIpDataPaths(), ...opts.dataPaths };
    this.city = new CityDatabase(paths.cityIpv4, paths.cityIpv6);
    this.asn = new AsnTable(paths.asnIpv4, paths.asnIpv6);
    this.threats = opts.threatLists?.length
      ? new ThreatLists(opts.threatLists, opts.threatListOptions)
      : null;
    this.cache = new LruCache(opts.cacheSize ?? 100_000);
  }

  private resolve(text: string): Resolved {
    let entry = this.cache.get(text);
    if (entry === undefined) {
      const ip = parseIp(text);
      entry = { ip, intranet: ip !== null && isIntranet(ip) };
      this.cache.set(text, entry);
    }
    return entry;
  }

  /** null: not an address; 'intranet'; or the location (null when the data has none). */
  private locate(text: string): GeoRecord | typeof INTRANET | null {
    const entry = this.resolve(text);
    if (entry.ip === null) return null;
    if (entry.intranet) return INTRANET;
    if (entry.geo === undefined) entry.geo = this.city.lookup(entry.ip);
    return entry.geo;
  }

  domain(text: string): string | null {
    const entry = this.resolve(text);
    if (entry.ip === null) return null;
    return entry.intranet ? 'intranet' : 'internet';
  }

  country(text: string, lang = ''): string | null {
    checkLang('ip_to_country', lang);
    const where = this.locate(text);
    if (where === null || where === INTRANET) return where;
    if (where.countryCode === null) return null;
    return lang === 'en' ? where.countryCode : countryName(where.countryCode, this.locale);
  }

  countryCode(text: string): string | null {
    const where = this.locate(text);
    if (where === null || where === INTRANET) return where;
    return where.countryCode;
  }

  province(text: string, lang = ''): string | null {
    checkLang('ip_to_province', lang);
    const where = this.locate(text);
    if (where === null || where === INTRANET) return where;
    return where.province;
  }

  cityName(text: string, lang = ''): string | null {
    checkLang('ip_to_city', lang);
    const where = this.locate(text);
    if (where === null || where === INTRANET) return where;
    return where.city;
  }

  /** `latitude,longitude` of the address's location. */
  geo(text: string): string | null {
    const where = this.locate(text);
    if (where === null || where === INTRANET) return where;
    return where.latitude === null || where.longitude === null
      ? null
      : formatGeo(where.latitude, where.longitude);
  }

  /**
   * `latitude,longitude` of the address's city. DB-IP Lite places each range at its city, so this is
   * the same point as geo(); it stays NULL when the data names no city.
   */
  cityGeo(text: string): string | null {
    const where = this.locate(text);
    if (where === null || where === INTRANET) return where;
    return where.city === null ? null : this.geo(text);
  }

  /** The network operator: the organisation of the autonomous system announcing the address. */
  provider(text: string): string | null {
    const entry = this.resolve(text);
    if (entry.ip === null) return null;
    if (entry.intranet) return INTRANET;
    if (entry.provider === undefined) {
      const record = this.asn.lookup(entry.ip);
      entry.provider = record === null || record.organization === '' ? null : record.organization;
    }
    return entry.provider;
  }

  /** Changes whenever a threat list is (re)loaded: answers of securityCheck cached before are stale. */
  get threatListGeneration(): number {
    return this.threats?.generation ?? 0;
  }

  /** Picks up changed threat-list files (cheap: a stat at most once per interval). */
  refreshThreatLists(): void {
    this.threats?.refresh();
  }

  /** 1 when the address is in a configured threat list; 0 otherwise, including text that is not an address. */
  securityCheck(text: string): 0 | 1 {
    if (this.threats === null) return 0;
    const entry = this.resolve(text);
    if (entry.ip === null) return 0;
    return this.threats.contains(entry.ip) ? 1 : 0;
  }
}
