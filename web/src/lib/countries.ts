// Matching a report's country values to the features of the bundled world map. Geo functions
// answer ICU country names in English (or Chinese with the zh locale), or ISO codes with 'en'
// (sls-query.md §9 U-3; src/enrich/geo.ts); world-atlas (Natural Earth) names its features in
// English, some abbreviated. ICU is in every browser, so names are matched through ISO codes.

/** Natural Earth names (world-atlas countries-110m) that differ from ICU's English name. */
const NATURAL_EARTH_CODES: Record<string, string> = {
  'W. Sahara': 'EH',
  'United States of America': 'US',
  'Dem. Rep. Congo': 'CD',
  'Dominican Rep.': 'DO',
  'Falkland Is.': 'FK',
  'Fr. S. Antarctic Lands': 'TF',
  "Côte d'Ivoire": 'CI',
  'Central African Rep.': 'CF',
  Congo: 'CG',
  'Eq. Guinea': 'GQ',
  Palestine: 'PS',
  Myanmar: 'MM',
  Turkey: 'TR',
  'Solomon Is.': 'SB',
  'Bosnia and Herz.': 'BA',
  Macedonia: 'MK',
  'Trinidad and Tobago': 'TT',
  'S. Sudan': 'SS',
};

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function regionNames(locale: string): Map<string, string> {
  const names = new Map<string, string>();
  let dn: Intl.DisplayNames;
  try {
    dn = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
  } catch {
    return names;
  }
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const code = a + b;
      let name: string | undefined;
      try {
        name = dn.of(code);
      } catch {
        continue;
      }
      if (name && name !== code) names.set(code, name);
    }
  }
  return names;
}

const normal = (s: string) => s.trim().toLowerCase().replace(/[’']/g, "'");

/**
 * A resolver from a report value (`US`, `United States`, `美国`) to the name of its map feature, or
 * null when the map has no such country (small islands are not in the 110m map; `intranet` is not a place).
 */
export function countryResolver(featureNames: string[]): (value: string) => string | null {
  const en = regionNames('en');
  const zh = regionNames('zh');
  const codeOfName = new Map<string, string>();
  for (const [code, name] of en) codeOfName.set(normal(name), code);
  for (const [code, name] of zh) codeOfName.set(normal(name), code);
  const featureOfCode = new Map<string, string>();
  for (const f of featureNames) {
    const code = NATURAL_EARTH_CODES[f] ?? codeOfName.get(normal(f));
    if (code) featureOfCode.set(code, f);
  }
  const featureByName = new Map(featureNames.map((f) => [normal(f), f]));
  return (value: string) => {
    const v = value.trim();
    if (/^[A-Za-z]{2}$/.test(v)) return featureOfCode.get(v.toUpperCase()) ?? null;
    const code = codeOfName.get(normal(v));
    if (code && featureOfCode.has(code)) return featureOfCode.get(code)!;
    return featureByName.get(normal(v)) ?? null;
  };
}
