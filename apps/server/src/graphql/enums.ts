import { OPTION_LISTS, optionConstant, ROLES, RUN_STATUSES } from '@latent-lab/domain';
import { registerEnumType } from 'type-graphql';

// The option enums are generated from the domain's lists: a GraphQL name is the constant case of
// the option ('ease-in' -> EASE_IN) and its internal value is the domain's string, so resolvers
// and services see the domain's values unchanged.

function enumOf<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((value) => [optionConstant(value), value]));
}

export const InterpolationMethod = enumOf(OPTION_LISTS.InterpolationMethod);
export const Easing = enumOf(OPTION_LISTS.Easing);
export const FitMode = enumOf(OPTION_LISTS.FitMode);
export const NoiseMode = enumOf(OPTION_LISTS.NoiseMode);
export const NoiseSchedule = enumOf(OPTION_LISTS.NoiseSchedule);
export const LoopMode = enumOf(OPTION_LISTS.LoopMode);
export const Precision = enumOf(OPTION_LISTS.Precision);
export const RunStatus = enumOf(RUN_STATUSES);
export const Role = enumOf(ROLES);

// GraphQL-only enums: names of the API's own sort and event vocabulary.
export const RunSortField = enumOf(['CREATED_AT', 'NAME'] as const);
export const SortDirection = enumOf(['ASC', 'DESC'] as const);
export const RunEventKind = enumOf(['FRAME', 'STATUS'] as const);
export const RunUpdateKind = enumOf(['CREATED', 'UPDATED', 'DELETED'] as const);

const ENUMS = {
  RunStatus,
  Role,
  InterpolationMethod,
  Easing,
  FitMode,
  NoiseMode,
  NoiseSchedule,
  LoopMode,
  Precision,
  RunSortField,
  SortDirection,
  RunEventKind,
  RunUpdateKind,
};
const DESCRIPTIONS: Partial<Record<keyof typeof ENUMS, string>> = {
  NoiseMode: 'ABSOLUTE: latent units; RELATIVE: a multiple of the latent standard deviation',
  LoopMode: 'LOOP: from the start again; PING_PONG: forwards, then backwards',
  Precision:
    'AUTO: INT8 where the CPU has fast integer dot products (VNNI, AMX) and the model passes the int8 quality gate, else FP32',
  Role: 'OWNER and ADMIN manage members; MEMBER uploads, runs, tags and deletes their own; VIEWER reads',
  RunEventKind: 'FRAME: a frame was stored; STATUS: the run changed status',
};
for (const [name, values] of Object.entries(ENUMS)) {
  registerEnumType(values, { name, description: DESCRIPTIONS[name as keyof typeof ENUMS] });
}
