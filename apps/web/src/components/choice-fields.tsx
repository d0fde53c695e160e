'use client';
// The run's top-level choice options (method, easing, fit, precision, ...) as selects, derived
// from the domain's option table: an option added there shows up here with its values and help.
import { optionConstant, TOP_LEVEL_OPTIONS, type ChoiceOption } from '@latent-lab/domain';
import { FieldError } from './bits.tsx';
import { optionLabel } from './noise-fields.tsx';

export const CHOICE_OPTIONS = TOP_LEVEL_OPTIONS.filter(
  (option): option is ChoiceOption => option.kind === 'choice',
);

/** The GraphQL constants of each choice option, by field: the table's defaults, then the overrides. */
export function defaultChoices(overrides: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    CHOICE_OPTIONS.map((option) => [
      option.path,
      overrides[option.path] ?? optionConstant(option.default),
    ]),
  );
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function ChoiceFields({
  values,
  errors,
  idPrefix,
  onChange,
}: {
  values: Record<string, string>;
  errors: Record<string, string>;
  idPrefix: string;
  onChange: (field: string, value: string) => void;
}) {
  return CHOICE_OPTIONS.map((option) => {
    const id = `${idPrefix}-${option.path}`;
    const errorId = `${id}-error`;
    return (
      <div className="field" key={option.path}>
        <label htmlFor={id}>{capitalized(option.label)}</label>
        <select
          id={id}
          title={option.help}
          value={values[option.path]}
          onChange={(e) => onChange(option.path, e.target.value)}
          {...(errors[option.path]
            ? { 'aria-invalid': true as const, 'aria-describedby': errorId }
            : {})}
        >
          {option.values.map((value) => (
            <option key={value} value={optionConstant(value)}>
              {optionLabel(optionConstant(value))}
            </option>
          ))}
        </select>
        <FieldError id={errorId} message={errors[option.path]} />
      </div>
    );
  });
}

export const choiceLabel = (option: ChoiceOption): string => capitalized(option.label);

/** A run's value of the option as the run view and compare show it. */
export const choiceValue = (option: ChoiceOption, run: object): string =>
  optionLabel(String((run as Record<string, unknown>)[option.path] ?? '—'));

/** The run view's rows of the choice options: label and value, in table order. */
export function choiceRows(run: object): { label: string; value: string }[] {
  return CHOICE_OPTIONS.map((option) => ({
    label: choiceLabel(option),
    value: choiceValue(option, run),
  }));
}
