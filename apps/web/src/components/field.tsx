import type { CSSProperties, ReactNode } from 'react';
import { FieldError } from './bits.tsx';

/** aria-invalid and aria-describedby of a control while its field shows an error (`${id}-error`). */
export function invalidProps(
  id: string,
  error: string | undefined,
): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
}

/** A labelled form field: the label, its control (whose id is `id`) and the field's error under it. */
export function Field({
  id,
  label,
  error,
  style,
  children,
}: {
  id: string;
  label: ReactNode;
  error?: string;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <div className="field" style={style}>
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
