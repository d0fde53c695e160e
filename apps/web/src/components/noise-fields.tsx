import type { ReactNode } from 'react';
import type { NoiseMode, NoiseSchedule } from '../gql/graphql.ts';
import {
  NOISE_MODE_OPTIONS as NOISE_MODES,
  NOISE_SCHEDULE_OPTIONS as NOISE_SCHEDULES,
} from '../lib/options.ts';
import { OptionSelect } from './option-select.tsx';

/** Noise settings as typed: the level stays text so a half-typed number can say what is wrong. */
export interface NoiseDraft {
  level: string;
  mode: NoiseMode;
  schedule: NoiseSchedule;
  shared: boolean;
}

/**
 * The level, mode, schedule and shared fields of a noise setting, as items of the surrounding
 * form grid. Ids are `${idPrefix}-level`, `${idPrefix}-mode` and `${idPrefix}-schedule`.
 */
export function NoiseFields({
  idPrefix,
  noise,
  onChange,
  levelInvalidProps,
  levelError,
}: {
  idPrefix: string;
  noise: NoiseDraft;
  onChange: (change: Partial<NoiseDraft>) => void;
  /** aria-invalid and aria-describedby for the level input while the form has an error about it. */
  levelInvalidProps: { 'aria-invalid'?: true; 'aria-describedby'?: string };
  /** The level's message under its input; a form that shows it elsewhere leaves this out. */
  levelError?: ReactNode;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-level`}>Level</label>
        <input
          id={`${idPrefix}-level`}
          inputMode="decimal"
          value={noise.level}
          onChange={(e) => onChange({ level: e.target.value })}
          {...levelInvalidProps}
        />
        {levelError}
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-mode`}>Mode</label>
        <OptionSelect
          id={`${idPrefix}-mode`}
          options={NOISE_MODES}
          value={noise.mode}
          onChange={(mode) => onChange({ mode })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-schedule`}>Schedule</label>
        <OptionSelect
          id={`${idPrefix}-schedule`}
          options={NOISE_SCHEDULES}
          value={noise.schedule}
          onChange={(schedule) => onChange({ schedule })}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={noise.shared}
          onChange={(e) => onChange({ shared: e.target.checked })}
        />
        One noise field for every frame
      </label>
    </>
  );
}
