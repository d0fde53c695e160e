import type { SelectHTMLAttributes } from 'react';

/** A GraphQL enum value as the forms and tables show it (RAMP_UP → ramp-up). */
export const optionLabel = (value: string): string => value.toLowerCase().replaceAll('_', '-');

/** A select of GraphQL enum values, each shown as the forms show it unless `label` says otherwise. */
export function OptionSelect<T extends string>({
  options,
  value,
  onChange,
  label = optionLabel,
  ...props
}: {
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  label?: (value: T) => string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  return (
    <select {...props} value={value} onChange={(e) => onChange(e.target.value as T)}>
      {options.map((option) => (
        <option key={option} value={option}>
          {label(option)}
        </option>
      ))}
    </select>
  );
}
