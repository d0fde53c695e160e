// The run option fields of the GraphQL types, derived from the domain's option table: each option
// is one field of the input (with its default), of the rerun overrides (nullable) and of the run.
import {
  optionField,
  optionMax,
  DEFAULT_RUN_LIMITS,
  type NumberOption,
  type RunOption,
} from '@latent-lab/domain';
import { Field, Float, Int } from 'type-graphql';
import { OPTION_ENUMS } from './enums.ts';
import { Seed } from './seed.ts';

/** input: the create form (defaults apply); override: every field optional; output: the run. */
export type FieldMode = 'input' | 'override' | 'output';

function bounds(option: NumberOption): string {
  const max =
    typeof option.max === 'number' ? String(optionMax(option, DEFAULT_RUN_LIMITS)) : option.max;
  return ` (${option.min} to ${max}${option.multipleOf ? `, a multiple of ${option.multipleOf}` : ''})`;
}

function graphqlType(option: RunOption) {
  if (option.kind === 'choice') return OPTION_ENUMS[option.graphqlEnum]!;
  if (option.kind === 'boolean') return Boolean;
  // Seeds reach 2^32-1, past GraphQL's Int.
  if (option.path === 'seed') return Seed;
  return option.kind === 'integer' ? Int : Float;
}

/** Declares one field per option on the class, as the decorators written by hand would. */
export function optionFields(
  target: { prototype: object },
  options: readonly RunOption[],
  mode: FieldMode,
): void {
  for (const option of options) {
    const type = graphqlType(option);
    const description =
      option.help + (option.kind === 'integer' || option.kind === 'number' ? bounds(option) : '');
    const hasDefault = 'default' in option && option.default !== undefined;
    Field(() => type, {
      description,
      // The server picks a random seed when none is given.
      nullable: mode === 'override' || (mode === 'input' && option.path === 'seed'),
      ...(mode === 'input' && hasDefault ? { defaultValue: option.default } : {}),
    })(target.prototype, optionField(option));
  }
}
