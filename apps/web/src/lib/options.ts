// The forms' option lists, derived from the domain's lists (defined once in @latent-lab/domain) in
// the GraphQL enums' constant case ('ease-in' -> EASE_IN).
import {
  FINISHED_RUN_STATUSES,
  LOOP_MODES,
  NOISE_MODES,
  NOISE_SCHEDULES,
  optionConstant,
  RUN_STATUSES,
} from '@latent-lab/domain';
import type { LoopMode, NoiseMode, NoiseSchedule, RunStatus } from '../gql/graphql.ts';

function constants<T extends string>(values: readonly string[]): readonly T[] {
  return values.map(optionConstant) as T[];
}

export const NOISE_MODE_OPTIONS = constants<NoiseMode>(NOISE_MODES);
export const NOISE_SCHEDULE_OPTIONS = constants<NoiseSchedule>(NOISE_SCHEDULES);
export const LOOP_OPTIONS = constants<LoopMode>(LOOP_MODES);
export const RUN_STATUS_OPTIONS = RUN_STATUSES as readonly RunStatus[];
export const FINISHED_STATUSES = FINISHED_RUN_STATUSES as ReadonlySet<RunStatus>;
