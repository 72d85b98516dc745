// The shape of a report definition (reports/*.yaml): dashboards as data. A report has parameters,
// one or more tabs, and panels; each panel is an SLS query (search | SQL), a chart type, an
// optional width on a 12-column grid and an optional drill-down search. The TypeScript code holds
// no report queries: they all live in the YAML files.
import { z } from 'zod';

export const CHARTS = ['stat', 'line', 'bar', 'pie', 'table', 'map'] as const;
export type Chart = (typeof CHARTS)[number];

const ID = /^[a-z][a-z0-9_]*$/;
const REPORT_ID = /^[a-z][a-z0-9-]*$/;

export const panelSchema = z
  .object({
    id: z.string().regex(ID, 'a panel id is lower case letters, digits and _ (starting with a letter)'),
    title: z.string().min(1),
    chart: z.enum(CHARTS),
    query: z.string().min(1),
    width: z.number().int().min(1).max(12).optional(),
    /** A search template opened in the search page; `${column}` takes the clicked row's value. */
    drilldown: z.string().min(1).optional(),
  })
  .strict();

export const tabSchema = z
  .object({
    id: z.string().regex(ID, 'a tab id is lower case letters, digits and _ (starting with a letter)'),
    title: z.string().min(1),
    panels: z.array(panelSchema).min(1),
  })
  .strict();

export const paramSchema = z
  .object({
    name: z.string().regex(ID, 'a parameter name is lower case letters, digits and _'),
    title: z.string().min(1),
    default: z.string(),
  })
  .strict();

export const reportSchema = z
  .object({
    id: z
      .string()
      .regex(REPORT_ID, 'a report id is lower case letters, digits and - (starting with a letter)'),
    title: z.string().min(1),
    description: z.string().default(''),
    params: z.array(paramSchema).default([]),
    tabs: z.array(tabSchema).min(1),
  })
  .strict();

export type PanelDefinition = z.infer<typeof panelSchema>;
export type TabDefinition = z.infer<typeof tabSchema>;
export type ParamDefinition = z.infer<typeof paramSchema>;

export interface ReportDefinition extends z.infer<typeof reportSchema> {
  /** The file it was loaded from (for error messages). */
  file: string;
}

/** Filters of every report (sls-query.md §6: namespace, sub-account/user, status code). */
export interface ReportFilters {
  namespace?: string;
  user?: string;
  status?: string | number;
}

/** One panel's answer: the final query text (filters and parameters applied) and its rows. */
export interface PanelResult {
  id: string;
  title: string;
  chart: Chart;
  /** The tab the panel belongs to. */
  tab: string;
  query: string;
  columns: string[];
  rows: Record<string, unknown>[];
  /** Set when this panel's query failed; the other panels still answer. */
  error?: string;
}

export interface ReportResult {
  report: string;
  from?: number;
  to?: number;
  panels: PanelResult[];
}
