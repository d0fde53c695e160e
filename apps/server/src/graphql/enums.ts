import {
  optionConstant,
  ROLES,
  RUN_OPTIONS,
  RUN_METRIC_FIELDS,
  RUN_STATUSES,
  type RunOption,
} from '@latent-lab/domain';
import { registerEnumType } from 'type-graphql';

// The option enums are generated from the domain's lists: a GraphQL name is the constant case of
// the option ('ease-in' -> EASE_IN) and its internal value is the domain's string, so resolvers
// and services see the domain's values unchanged.

function enumOf<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((value) => [optionConstant(value), value]));
}

/** One enum per choice option of the domain's table, by its GraphQL name. */
export const OPTION_ENUMS: Record<string, Record<string, string>> = Object.fromEntries(
  (RUN_OPTIONS as readonly RunOption[]).flatMap((option) =>
    option.kind === 'choice' ? [[option.graphqlEnum, enumOf(option.values)]] : [],
  ),
);
// Named for the types that use them outside the run options (noise presets).
export const NoiseMode = OPTION_ENUMS.NoiseMode!;
export const NoiseSchedule = OPTION_ENUMS.NoiseSchedule!;
export const RunStatus = enumOf(RUN_STATUSES);
export const Role = enumOf(ROLES);

// GraphQL-only enums: names of the API's own sort and event vocabulary.
export const RunSortField = enumOf([
  'CREATED_AT',
  'NAME',
  ...(Object.keys(RUN_METRIC_FIELDS) as (keyof typeof RUN_METRIC_FIELDS)[]),
] as const);
/** The sortable, filterable metrics: GraphQL name MEAN_CHANGE, internal value the domain's key. */
export const RunMetric = RUN_METRIC_FIELDS;
export const SortDirection = enumOf(['ASC', 'DESC'] as const);
export const RunEventKind = enumOf(['FRAME', 'STATUS'] as const);
export const RunUpdateKind = enumOf(['CREATED', 'UPDATED', 'DELETED'] as const);

const ENUMS = {
  RunStatus,
  Role,
  ...OPTION_ENUMS,
  RunSortField,
  RunMetric,
  SortDirection,
  RunEventKind,
  RunUpdateKind,
};
const DESCRIPTIONS: Record<string, string> = {
  ...Object.fromEntries(
    (RUN_OPTIONS as readonly RunOption[]).flatMap((option) =>
      option.kind === 'choice' ? [[option.graphqlEnum, option.help]] : [],
    ),
  ),
  Role: 'OWNER and ADMIN manage members; MEMBER uploads, runs, tags and deletes their own; VIEWER reads',
  RunEventKind: 'FRAME: a frame was stored; STATUS: the run changed status',
  RunSortField:
    'A metric sort (MEAN_CHANGE ... MIN_ENDPOINT_PSNR) lists runs without metrics last in both directions',
  RunMetric: 'A scalar field of RunMetrics (MIN_ENDPOINT_PSNR: the smallest of endpointPsnr)',
};
for (const [name, values] of Object.entries(ENUMS)) {
  registerEnumType(values, { name, description: DESCRIPTIONS[name] });
}
