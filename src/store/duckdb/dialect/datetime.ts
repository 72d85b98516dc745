// MySQL-style date_format / date_parse specifiers (sls-query.md §4.3) translated to DuckDB's
// strftime / strptime codes, which are C-style: `%M` means minute there but month name in SLS,
// `%i` is minutes in SLS and unknown to DuckDB. SLS format strings never reach DuckDB unchanged.

/** SLS specifier letter → DuckDB code. `%D` (day with English suffix) has no code; see below. */
const SPEC: Record<string, string> = {
  Y: '%Y',
  y: '%y',
  m: '%m',
  c: '%-m',
  M: '%B',
  b: '%b',
  d: '%d',
  e: '%-d',
  j: '%j',
  H: '%H',
  k: '%-H',
  h: '%I',
  I: '%I',
  l: '%-I',
  i: '%M',
  p: '%p',
  S: '%S',
  s: '%S',
  f: '%f',
  T: '%H:%M:%S',
  r: '%I:%M:%S %p',
  W: '%A',
  a: '%a',
  w: '%w',
  // Week numbers: SLS %V/%U count from Sunday, %v/%u from Monday (ISO for %v).
  U: '%U',
  V: '%U',
  u: '%W',
  v: '%V',
  X: '%Y',
  x: '%G',
  '%': '%%',
};

/** A piece of a translated format: DuckDB strftime text, or the day-of-month suffix. */
export type FormatPiece = { kind: 'strftime'; format: string } | { kind: 'daySuffix' };

/**
 * Translates an SLS (MySQL) format into DuckDB strftime pieces. An unknown specifier stands for
 * its letter (MySQL prints `%x` for an unknown `x`); a literal `%` in the text is escaped.
 */
export function translateFormat(fmt: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let cur = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch !== '%') {
      cur += ch;
      continue;
    }
    const spec = fmt[i + 1];
    i++;
    if (spec === undefined) {
      cur += '%%';
      break;
    }
    if (spec === 'D') {
      cur += '%-d';
      pieces.push({ kind: 'strftime', format: cur });
      pieces.push({ kind: 'daySuffix' });
      cur = '';
      continue;
    }
    cur += SPEC[spec] ?? (spec === '%' ? '%%' : spec);
  }
  if (cur || pieces.length === 0) pieces.push({ kind: 'strftime', format: cur });
  return pieces;
}

/** The format for strptime (no `%D` there: a day suffix cannot be parsed back reliably). */
export function translateParseFormat(fmt: string): string {
  return translateFormat(fmt)
    .map((p) => (p.kind === 'strftime' ? p.format : ''))
    .join('');
}
