// ECharts options for report panels and SQL results, from the columns/rows every panel returns.
// Panels are data (reports/*.yaml): the chart type says how to draw, the column order says what —
// the first column is the category or time axis, numeric columns are the values.
import type { Row, Table } from './table.js';

export type ChartKind = 'stat' | 'line' | 'bar' | 'pie' | 'table' | 'map';

function isNumeric(v: unknown): boolean {
  return (
    (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))
  );
}

/** Columns whose non-NULL values are all numbers (and that have at least one). */
export function numericColumns(table: Table): string[] {
  return table.columns.filter((c) => {
    let any = false;
    for (const r of table.rows) {
      const v = r[c];
      if (v === null || v === undefined) continue;
      if (!isNumeric(v)) return false;
      any = true;
    }
    return any;
  });
}

/** The value a stat panel shows: the first numeric cell of the first row (else its first cell). */
export function statValue(table: Table): unknown {
  const row = table.rows[0];
  if (!row) return null;
  const num = numericColumns(table)[0];
  return row[num ?? table.columns[0]] ?? null;
}

/** Unix seconds (10 digits) or an ISO/SQL timestamp: the x axis is time. */
function timeValue(v: unknown): number | null {
  if (typeof v === 'number' && v > 1e8 && v < 1e11) return v * 1000;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** A single row of three or more numbers and nothing else: its columns are the categories. */
function transposed(table: Table): boolean {
  return (
    table.rows.length === 1 &&
    table.columns.length >= 3 &&
    numericColumns(table).length === table.columns.length &&
    timeValue(table.rows[0][table.columns[0]]) === null
  );
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

interface Series {
  name: string;
  points: [unknown, number][];
}

/**
 * Series of a line/bar chart. `x, a, b` → one series per numeric column; `x, label, value` (one
 * text column between) → one series per label, the long format a `group by t, verb` query returns.
 */
export function seriesOf(table: Table): {
  x: string;
  time: boolean;
  series: Series[];
  categories: unknown[];
} {
  const x = table.columns[0];
  const numeric = numericColumns(table).filter((c) => c !== x);
  const text = table.columns.filter((c) => c !== x && !numeric.includes(c));
  const time = table.rows.length > 0 && table.rows.every((r) => timeValue(r[x]) !== null);
  const xOf = (r: Row) => (time ? timeValue(r[x]) : r[x]);
  const categories: unknown[] = [];
  const seen = new Set<string>();
  for (const r of table.rows) {
    const k = JSON.stringify(xOf(r));
    if (!seen.has(k)) {
      seen.add(k);
      categories.push(xOf(r));
    }
  }
  // One row of three or more numbers (`create, update, delete, get` of one kind): the columns are
  // the categories. (Two numbers, like `code, requests`, keep the first as the axis.)
  if (transposed(table)) {
    return {
      x,
      time: false,
      categories: [...table.columns],
      series: table.rows.map((r, i) => ({
        name: table.rows.length === 1 ? 'value' : `row ${i + 1}`,
        points: table.columns.map((c) => [c, num(r[c])] as [unknown, number]),
      })),
    };
  }
  if (text.length === 1 && numeric.length === 1) {
    const by = new Map<string, Series>();
    for (const r of table.rows) {
      const name = r[text[0]] === null || r[text[0]] === undefined ? '(none)' : String(r[text[0]]);
      if (!by.has(name)) by.set(name, { name, points: [] });
      by.get(name)!.points.push([xOf(r), num(r[numeric[0]])]);
    }
    return { x, time, series: [...by.values()], categories };
  }
  return {
    x,
    time,
    categories,
    series: numeric.map((c) => ({
      name: c,
      points: table.rows.map((r) => [xOf(r), num(r[c])] as [unknown, number]),
    })),
  };
}

/** Name/value pairs of a pie or a map: the first text column and the first numeric column. */
export function pairsOf(table: Table): { name: string; value: number }[] {
  if (transposed(table)) return table.columns.map((c) => ({ name: c, value: num(table.rows[0][c]) }));
  const numeric = numericColumns(table);
  // The name is the first text column, else the first column (`code, requests`: code names the slice).
  const name = table.columns.find((c) => !numeric.includes(c)) ?? table.columns[0];
  const value = numeric.find((c) => c !== name);
  if (value === undefined) return [];
  return table.rows.map((r) => ({
    name: r[name] === null || r[name] === undefined ? '(none)' : String(r[name]),
    value: num(r[value]),
  }));
}

const base = (title: string) => ({
  // Screen readers get ECharts' generated description of the data (aria.enabled).
  aria: { enabled: true, label: { description: undefined as string | undefined } },
  title: { text: title, show: false },
  tooltip: {},
  animation: false,
});

/**
 * The ECharts option of a line or bar chart. `timeBounds` (ms) pins a time axis to a window, so a
 * histogram spans the whole searched range rather than only the buckets that have events.
 */
export function cartesianOption(
  kind: 'line' | 'bar',
  title: string,
  table: Table,
  timeBounds?: [number, number],
): Record<string, unknown> {
  const s = seriesOf(table);
  const many = s.series.length > 1;
  const series = s.series.map((ser) => ({
    name: ser.name,
    type: kind,
    stack: kind === 'bar' && many ? 'total' : undefined,
    barMaxWidth: kind === 'bar' ? 28 : undefined,
    showSymbol: ser.points.length < 50,
    data: s.time ? ser.points : ser.points.map((p) => p[1]),
  }));
  const categories = s.categories.map((c) => (c === null || c === undefined ? '(none)' : String(c)));
  // Bars over text categories (users, resources) lie down: long names stay readable, one per line.
  const horizontal = kind === 'bar' && !s.time;
  const categoryAxis = {
    type: 'category',
    data: categories,
    ...(horizontal
      ? { inverse: true, axisLabel: { width: 180, overflow: 'truncate' } }
      : { axisLabel: { hideOverlap: true } }),
  };
  const valueAxis = { type: 'value', minInterval: 1 };
  return {
    ...base(title),
    tooltip: { trigger: 'axis' },
    legend: many ? { type: 'scroll', bottom: 0 } : undefined,
    grid: { left: 48, right: 16, top: 16, bottom: many ? 56 : 32, containLabel: true },
    xAxis: s.time
      ? { type: 'time', ...(timeBounds ? { min: timeBounds[0], max: timeBounds[1] } : {}) }
      : horizontal
        ? valueAxis
        : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series,
  };
}

/** Height for a chart: horizontal bars get a line per category. */
export function chartHeight(kind: string, table: Table): number {
  if (kind === 'map') return 360;
  if (kind === 'bar' && !seriesOf(table).time)
    return Math.min(640, Math.max(160, table.rows.length * 26 + 60));
  return 260;
}

export function pieOption(title: string, table: Table): Record<string, unknown> {
  return {
    ...base(title),
    tooltip: { trigger: 'item' },
    legend: { type: 'scroll', bottom: 0 },
    series: [{ name: title, type: 'pie', radius: ['35%', '65%'], data: pairsOf(table) }],
  };
}

/** A choropleth over the registered 'world' map; `regionName` maps a row's value to a map feature. */
export function mapOption(
  title: string,
  table: Table,
  regionName: (value: string) => string | null,
): Record<string, unknown> {
  const data = new Map<string, number>();
  for (const p of pairsOf(table)) {
    const region = regionName(p.name);
    if (region) data.set(region, (data.get(region) ?? 0) + p.value);
  }
  const values = [...data.values()];
  return {
    ...base(title),
    tooltip: { trigger: 'item' },
    visualMap: { min: 0, max: Math.max(1, ...values), calculable: true, left: 8, bottom: 8, itemHeight: 80 },
    series: [
      {
        name: title,
        type: 'map',
        map: 'world',
        roam: true,
        emphasis: { label: { show: false } },
        data: [...data.entries()].map(([name, value]) => ({ name, value })),
      },
    ],
  };
}

/**
 * Every bucket of `[from, to)` with its count (0 where the query returned none): the histogram
 * draws one bar per bucket, so gaps show as gaps and bars keep one width.
 */
export function fillBuckets(
  rows: { t: number; n: number }[],
  from: number,
  to: number,
  bucket: number,
): { t: number; n: number }[] {
  const counts = new Map(rows.map((r) => [r.t, r.n]));
  const out: { t: number; n: number }[] = [];
  for (let t = from - (((from % bucket) + bucket) % bucket); t < to; t += bucket) {
    out.push({ t, n: counts.get(t) ?? 0 });
  }
  return out;
}

/** The search page's histogram: one bar per bucket, labelled with `label(t)`. */
export function histogramOption(
  title: string,
  buckets: { t: number; n: number }[],
  label: (t: number) => string,
): Record<string, unknown> {
  return {
    ...base(title),
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 12, top: 10, bottom: 24, containLabel: true },
    xAxis: { type: 'category', data: buckets.map((b) => label(b.t)), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: 'events', type: 'bar', barCategoryGap: '10%', data: buckets.map((b) => b.n) }],
  };
}
