import type { SelectHTMLAttributes } from 'react';
import type { Role } from '../gql/graphql.ts';
import { ROLE_LABELS } from '../lib/roles.ts';

/** A GraphQL enum value as the forms and tables show it (RAMP_UP → ramp-up). */
export const optionLabel = (value: string): string => value.toLowerCase().replaceAll('_', '-');

/** A select of GraphQL enum values, each shown as the forms show it unless `label` says otherwise. */
export type OptionSelectProps<T extends string> = {
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  label?: (value: T) => string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>;

export function OptionSelect<T extends string>({
  options,
  value,
  onChange,
  label = optionLabel,
  ...props
}: OptionSelectProps<T>) {
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

/** A select of workspace roles, by their names. */
export function RoleSelect(props: Omit<OptionSelectProps<Role>, 'label'>) {
  return <OptionSelect {...props} label={(role) => ROLE_LABELS[role]} />;
}
