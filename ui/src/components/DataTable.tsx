import type { ReactNode } from 'react';
import { Empty } from './ui';

/**
 * The one table markup of the screens: header cells scoped as columns (screen readers announce
 * them per cell) and, unless `wrap` is off, a horizontally scrolling wrapper for narrow windows.
 */
/** A column given as `false` (e.g. `canEdit && tr(...)`) is left out. */
export function DataTable({ columns, children, className = 'table', label, wrap = true }: {
  columns: ReactNode[];
  children: ReactNode;
  className?: string;
  /** An accessible name when no heading names the table. */
  label?: string;
  wrap?: boolean;
}) {
  const table = (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          {columns.filter((column) => column !== false && column !== null && column !== undefined).map((column, index) => (
            <th key={index} scope="col">{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrap ? <div className="table-wrap">{table}</div> : table;
}

/** A titled panel holding one list: its heading, then the table, or a sentence when it is empty. */
export function ListPanel({ id, title, isEmpty, empty, columns, children, footer }: {
  id: string;
  title: ReactNode;
  isEmpty: boolean;
  empty: ReactNode;
  columns: ReactNode[];
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {isEmpty ? <Empty>{empty}</Empty> : <DataTable columns={columns}>{children}</DataTable>}
      {footer}
    </section>
  );
}
