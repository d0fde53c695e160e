'use client';
// The run's top-level choice options (method, easing, fit, precision, ...) as selects, derived
// from the domain's option table: an option added there shows up here with its values and help.
import { optionConstant, TOP_LEVEL_OPTIONS, type ChoiceOption } from '@latent-lab/domain';
import { Field, invalidProps } from './field.tsx';
import { OptionSelect, optionLabel } from './option-select.tsx';

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
    return (
      <Field
        key={option.path}
        id={id}
        label={capitalized(option.label)}
        error={errors[option.path]}
      >
        <OptionSelect
          id={id}
          title={option.help}
          options={option.values.map(optionConstant)}
          value={values[option.path]!}
          onChange={(value) => onChange(option.path, value)}
          {...invalidProps(id, errors[option.path])}
        />
      </Field>
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
