// One ECharts instance bound to a div: created once, options replaced on change, resized with its box.
// Only the chart types and components the console uses are bundled (echarts/core).
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  MapChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export { echarts };

export interface EChartProps {
  option: Record<string, unknown>;
  /** What the chart shows, for screen readers (ECharts adds a description of the data). */
  label: string;
  height?: number;
  onClick?: (params: { name?: string; value?: unknown; seriesName?: string; dataIndex?: number }) => void;
}

export function EChart({ option, label, height = 260, onClick }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    // SVG: crisp at any zoom, and its text is in the DOM (readable by tests and assistive tools).
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const withLabel = {
      ...option,
      aria: { enabled: true, label: { enabled: true, description: undefined } },
      title: { ...(option.title as object), text: label, show: false },
    };
    c.setOption(withLabel, true);
  }, [option, label]);

  useEffect(() => {
    const c = chart.current;
    if (!c || !onClick) return;
    const handler = (p: unknown) => onClick(p as Parameters<NonNullable<EChartProps['onClick']>>[0]);
    c.on('click', handler);
    return () => {
      c.off('click', handler);
    };
  }, [onClick]);

  return <div ref={el} className="chart" style={{ height }} role="img" aria-label={label} />;
}
