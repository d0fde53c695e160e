import type { ReactNode } from 'react';

export type Column = string | { label: string; className: string };

/**
 * A table whose rows stack into cards at phone width (`.stack-table` in globals.css): the given
 * columns, then one for each row's actions. `panel`: in a panel of its own that scrolls sideways.
 */
export function StackTable({
  label,
  columns,
  panel = false,
  children,
}: {
  label: string;
  columns: readonly Column[];
  panel?: boolean;
  children: ReactNode;
}) {
  const table = (
    <table aria-label={label} className="stack-table">
      <thead>
        <tr>
          {columns.map((column) =>
            typeof column === 'string' ? (
              <th key={column} scope="col">
                {column}
              </th>
            ) : (
              <th key={column.label} scope="col" className={column.className}>
                {column.label}
              </th>
            ),
          )}
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return panel ? (
    <div className="panel" style={{ overflowX: 'auto' }}>
      {table}
    </div>
  ) : (
    table
  );
}

/** A small danger button that asks first; `onConfirm` runs only when the person agrees. */
export function ConfirmButton({
  question,
  onConfirm,
  disabled,
  label,
  children,
}: {
  question: string;
  onConfirm: () => unknown;
  disabled: boolean;
  /** The accessible name, where the text alone does not say what it acts on. */
  label?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="small danger"
      disabled={disabled}
      aria-label={label}
      onClick={() => {
        if (window.confirm(question)) void onConfirm();
      }}
    >
      {children}
    </button>
  );
}
