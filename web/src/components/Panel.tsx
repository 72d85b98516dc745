// One report panel: its chart (stat, line, bar, pie, table, map), its query ("Open in search"),
// and its drill-down, a query template filled from the clicked row.
import { useEffect, useMemo, useState } from 'react';
import type { PanelResult } from '../lib/api.js';
import { cartesianOption, chartHeight, mapOption, pieOption, statValue } from '../lib/charts.js';
import { fillTemplate } from '../lib/sls.js';
import { cellText, type Row } from '../lib/table.js';
import { DataTable } from './DataTable.js';
import { EChart } from './EChart.js';
import { Empty, ErrorNote, Loading } from './Notes.js';

export interface PanelProps {
  panel: PanelResult;
  drilldown?: string;
  width?: number | string;
  onOpenSearch: (query: string) => void;
}

/** Grid span out of 12: numbers as given (1–12), `full`/`half`/`third`/`quarter`, else by chart type. */
export function panelSpan(width: number | string | undefined, chart: string): number {
  if (typeof width === 'number' && width >= 1 && width <= 12) return Math.round(width);
  const named: Record<string, number> = { full: 12, half: 6, third: 4, quarter: 3 };
  if (typeof width === 'string' && named[width]) return named[width];
  if (typeof width === 'string' && /^\d+$/.test(width)) return Math.min(12, Math.max(1, Number(width)));
  return chart === 'stat' ? 3 : chart === 'table' || chart === 'map' || chart === 'line' ? 12 : 6;
}

export function Panel({ panel, drilldown, width, onOpenSearch }: PanelProps) {
  const [showData, setShowData] = useState(false);
  const table = useMemo(() => ({ columns: panel.columns, rows: panel.rows }), [panel]);
  const headingId = `panel-${panel.id}-title`;
  const drill = drilldown ? (row: Row) => onOpenSearch(fillTemplate(drilldown, row)) : undefined;

  let body;
  if (panel.error) {
    body = (
      <ErrorNote
        title="This panel failed:"
        message={`${panel.error} — open it in search to see the query.`}
      />
    );
  } else if (panel.rows.length === 0 && panel.chart !== 'stat') {
    body = <Empty>No matching events in this range — widen the time range or clear the filters.</Empty>;
  } else if (panel.chart === 'stat') {
    const v = statValue(table);
    body = (
      <output className="stat" data-testid="stat" aria-label={`${panel.title}: ${cellText(v) || 0}`}>
        {v === null ? 0 : typeof v === 'number' ? formatNumber(v) : cellText(v)}
      </output>
    );
  } else if (panel.chart === 'table') {
    body = <DataTable columns={panel.columns} rows={panel.rows} label={panel.title} onRowAction={drill} />;
  } else {
    body = <ChartBody panel={panel} onDrill={drill} />;
  }

  return (
    <section
      className={`panel chart-${panel.chart}`}
      style={{ gridColumn: `span ${panelSpan(width, panel.chart)}` }}
      aria-labelledby={headingId}
      data-panel-id={panel.id}
    >
      <header className="panel-head">
        <h3 id={headingId}>{panel.title}</h3>
        <div className="panel-actions">
          {panel.chart !== 'table' && panel.chart !== 'stat' && !panel.error && panel.rows.length > 0 && (
            <button
              type="button"
              className="link"
              aria-pressed={showData}
              onClick={() => setShowData((s) => !s)}
            >
              {showData ? 'Hide data' : 'Data'}
            </button>
          )}
          <button
            type="button"
            className="link"
            onClick={() => onOpenSearch(panel.query)}
            title={panel.query}
            aria-label={`Open “${panel.title}” in search`}
          >
            Open in search
          </button>
        </div>
      </header>
      {body}
      {showData && (
        <DataTable
          columns={panel.columns}
          rows={panel.rows}
          label={`${panel.title} (data)`}
          onRowAction={drill}
        />
      )}
    </section>
  );
}

function ChartBody({ panel, onDrill }: { panel: PanelResult; onDrill?: (row: Row) => void }) {
  const table = useMemo(() => ({ columns: panel.columns, rows: panel.rows }), [panel]);
  // The world map (TopoJSON, ~100 kB) is its own chunk, loaded when a map panel first shows.
  const [regionOf, setRegionOf] = useState<((value: string) => string | null) | null>(null);
  useEffect(() => {
    if (panel.chart !== 'map' || regionOf) return;
    void import('./worldMap.js').then((m) => setRegionOf(() => m.worldMap()));
  }, [panel.chart, regionOf]);
  const option = useMemo(() => {
    if (panel.chart === 'line' || panel.chart === 'bar')
      return cartesianOption(panel.chart, panel.title, table);
    if (panel.chart === 'pie') return pieOption(panel.title, table);
    if (panel.chart === 'map') return regionOf ? mapOption(panel.title, table, regionOf) : 'loading';
    return null;
  }, [panel, table, regionOf]);
  if (option === 'loading') return <Loading what="the map" />;
  if (!option) {
    return <DataTable columns={panel.columns} rows={panel.rows} label={panel.title} />;
  }
  // A click on a pie slice or a category bar drills down with that category's row.
  const onClick = onDrill
    ? (p: { name?: string; dataIndex?: number }) => {
        const first = panel.columns[0];
        const row =
          panel.chart === 'map'
            ? undefined
            : (panel.rows.find((r) => cellText(r[first]) === p.name) ??
              (p.dataIndex !== undefined ? panel.rows[p.dataIndex] : undefined));
        if (row) onDrill(row);
      }
    : undefined;
  return (
    <EChart option={option} label={panel.title} height={chartHeight(panel.chart, table)} onClick={onClick} />
  );
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
