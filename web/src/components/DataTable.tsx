// A result table: click a header (or press Enter on it) to sort; long results show in pages.
import { useMemo, useState } from 'react';
import { cellText, sortRows, type Row } from '../lib/table.js';

export interface DataTableProps {
  columns: string[];
  rows: Row[];
  label: string;
  /** Rows shown before "Show more". */
  pageSize?: number;
  /** When set, each row gets a button that opens this row's drill-down. */
  onRowAction?: (row: Row) => void;
  rowActionLabel?: string;
}

export function DataTable({
  columns,
  rows,
  label,
  pageSize = 50,
  onRowAction,
  rowActionLabel,
}: DataTableProps) {
  const [sort, setSort] = useState<{ column: string; direction: 'asc' | 'desc' } | null>(null);
  const [shown, setShown] = useState(pageSize);
  const sorted = useMemo(() => (sort ? sortRows(rows, sort.column, sort.direction) : rows), [rows, sort]);
  const toggle = (column: string) =>
    setSort((s) =>
      s && s.column === column
        ? { column, direction: s.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: 'asc' },
    );
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => {
              const dir = sort?.column === c ? sort.direction : null;
              return (
                <th
                  key={c}
                  scope="col"
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                >
                  <button type="button" className="th-sort" onClick={() => toggle(c)} title={`Sort by ${c}`}>
                    {c}
                    <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
                  </button>
                </th>
              );
            })}
            {onRowAction && (
              <th scope="col" className="actions">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {sorted.slice(0, shown).map((r, i) => (
            <tr key={i}>
              {columns.map((c) => {
                const text = cellText(r[c]);
                return (
                  <td key={c} title={text.length > 80 ? text : undefined}>
                    {text.length > 300 ? `${text.slice(0, 300)}…` : text}
                  </td>
                );
              })}
              {onRowAction && (
                <td className="actions">
                  <button type="button" className="link" onClick={() => onRowAction(r)}>
                    {rowActionLabel ?? 'Drill down'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > shown && (
        <button type="button" className="more" onClick={() => setShown((n) => n + pageSize * 4)}>
          Show more ({sorted.length - shown} more rows)
        </button>
      )}
    </div>
  );
}
