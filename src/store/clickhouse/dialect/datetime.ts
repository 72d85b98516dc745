// SLS (MySQL-style) date_format specifiers (sls-query.md §4.3) as ClickHouse expressions. Each
// specifier becomes an expression built from calendar functions present in every release
// (toYear, toMonth, toHour …) rather than formatDateTime codes, whose meaning changed between
// releases (`%M` was the minute before 23.4 and is the month name since). The output is exactly
// what the DuckDB dialect prints for the same specifier (src/store/duckdb/dialect/datetime.ts),
// including its choices for the week-based ones.
import { quoteString } from './quote.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const arr = (xs: string[]): string => `[${xs.map(quoteString).join(', ')}]`;
const pad = (x: string, n: number): string => `leftPad(toString(${x}), ${n}, '0')`;
const str = (x: string): string => `toString(${x})`;

/** The expression printing one specifier of timestamp `t` (a DateTime64 in the query zone). */
function specifier(spec: string, t: string): string | undefined {
  const hour12 = `(((toHour(${t}) + 11) % 12) + 1)`;
  const ampm = `if(toHour(${t}) < 12, 'AM', 'PM')`;
  switch (spec) {
    case 'Y':
    case 'X': // DuckDB prints the calendar year for %X as well
      return pad(`toYear(${t})`, 4);
    case 'y':
      return pad(`toYear(${t}) % 100`, 2);
    case 'm':
      return pad(`toMonth(${t})`, 2);
    case 'c':
      return str(`toMonth(${t})`);
    case 'M':
      return `${arr(MONTHS)}[toMonth(${t})]`;
    case 'b':
      return `${arr(MONTHS.map((m) => m.slice(0, 3)))}[toMonth(${t})]`;
    case 'd':
      return pad(`toDayOfMonth(${t})`, 2);
    case 'e':
      return str(`toDayOfMonth(${t})`);
    case 'D': {
      const d = `toDayOfMonth(${t})`;
      return `concat(${str(d)}, multiIf(${d} IN (11, 12, 13), 'th', ${d} % 10 = 1, 'st', ${d} % 10 = 2, 'nd', ${d} % 10 = 3, 'rd', 'th'))`;
    }
    case 'j':
      return pad(`toDayOfYear(${t})`, 3);
    case 'H':
      return pad(`toHour(${t})`, 2);
    case 'k':
      return str(`toHour(${t})`);
    case 'h':
    case 'I':
      return pad(hour12, 2);
    case 'l':
      return str(hour12);
    case 'i':
      return pad(`toMinute(${t})`, 2);
    case 'p':
      return ampm;
    case 'S':
    case 's':
      return pad(`toSecond(${t})`, 2);
    case 'f':
      return pad(`((toUnixTimestamp64Micro(${t}) % 1000000) + 1000000) % 1000000`, 6);
    case 'T':
      return `concat(${pad(`toHour(${t})`, 2)}, ':', ${pad(`toMinute(${t})`, 2)}, ':', ${pad(`toSecond(${t})`, 2)})`;
    case 'r':
      return `concat(${pad(hour12, 2)}, ':', ${pad(`toMinute(${t})`, 2)}, ':', ${pad(`toSecond(${t})`, 2)}, ' ', ${ampm})`;
    case 'W':
      return `${arr(DAYS)}[toDayOfWeek(${t})]`;
    case 'a':
      return `${arr(DAYS.map((d) => d.slice(0, 3)))}[toDayOfWeek(${t})]`;
    case 'w':
      return str(`toDayOfWeek(${t}) % 7`);
    // Week numbers as DuckDB's strftime codes: %U (Sunday first, 00–53) = MySQL mode 0, %W
    // (Monday first, 00–53) = mode 5, %V ISO week, %G ISO year.
    case 'U':
    case 'V':
      return pad(`toWeek(${t}, 0)`, 2);
    case 'u':
      return pad(`toWeek(${t}, 5)`, 2);
    case 'v':
      return pad(`toISOWeek(${t})`, 2);
    case 'x':
      return pad(`toISOYear(${t})`, 4);
    default:
      return undefined;
  }
}

/**
 * `date_format(t, fmt)` for a constant format: the concatenation of literal text and specifier
 * expressions. An unknown specifier prints its letter (MySQL, and the DuckDB translation).
 */
export function formatExpression(t: string, fmt: string): string {
  const parts: string[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) parts.push(quoteString(lit));
    lit = '';
  };
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch !== '%') {
      lit += ch;
      continue;
    }
    const spec = fmt[i + 1];
    i++;
    if (spec === undefined) {
      lit += '%';
      break;
    }
    const e = specifier(spec, t);
    if (e === undefined) {
      lit += spec;
      continue;
    }
    flush();
    parts.push(e);
  }
  flush();
  if (parts.length === 0) return "''";
  // A NULL timestamp prints NULL (concat of a NULL part is NULL; a format without specifiers
  // would otherwise print its text).
  const out = parts.length === 1 ? parts[0] : `concat(${parts.join(', ')})`;
  return parts.some((p) => !p.startsWith("'")) ? out : `if(${t} IS NULL, NULL, ${out})`;
}
