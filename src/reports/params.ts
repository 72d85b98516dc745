// Report parameters (`${resource}` in a panel's query): values are checked before they are put
// into query text, so a parameter can never change the query's structure. A resource plural is
// lower case letters, digits, '.' and '-' (what Kubernetes allows in a resource name); anything
// else is refused with one sentence.
import { UserError } from '../cli/errors.js';
import type { ReportDefinition } from './model.js';

const PLACEHOLDER = /\$\{([a-z][a-z0-9_]*)\}/g;
const SAFE_VALUE = /^[a-z0-9.-]+$/;

/** Names of the `${name}` placeholders in `text`. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/**
 * The value of every declared parameter: the given one (lower-cased: resource names are case
 * insensitive in search, and the documents write CRD plurals like `AliyunLogConfigs`) or the
 * default. An unknown parameter or an unsafe value is an error naming the report.
 */
export function resolveParams(
  report: ReportDefinition,
  given: Record<string, string | undefined> = {},
): Record<string, string> {
  const declared = new Set(report.params.map((p) => p.name));
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!declared.has(name)) {
      const takes = report.params.length
        ? `it takes ${report.params.map((p) => p.name).join(', ')}`
        : 'it takes no parameters';
      throw new UserError(`report "${report.id}" has no parameter "${name}"; ${takes}.`);
    }
  }
  const values: Record<string, string> = {};
  for (const p of report.params) {
    const raw = given[p.name];
    const value = (raw === undefined || raw.trim() === '' ? p.default : raw.trim()).toLowerCase();
    if (!SAFE_VALUE.test(value)) {
      throw new UserError(
        `${p.name} "${raw ?? p.default}" for report "${report.id}" is not a resource plural; use lower case letters, digits, '.' and '-' only, e.g. deployments or aliyunlogconfigs.`,
      );
    }
    values[p.name] = value;
  }
  return values;
}

/**
 * Replaces `${name}` for the parameters in `values`; other placeholders are left alone (in a
 * drill-down they name a column of the clicked row, filled in by the console).
 */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole,
  );
}
