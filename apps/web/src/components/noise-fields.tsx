import type { ReactNode } from 'react';
import type { NoiseMode, NoiseSchedule } from '../gql/graphql.ts';
import {
  NOISE_MODE_OPTIONS as NOISE_MODES,
  NOISE_SCHEDULE_OPTIONS as NOISE_SCHEDULES,
} from '../lib/options.ts';
import { Field } from './field.tsx';
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
  const choice = <K extends 'mode' | 'schedule'>(
    name: K,
    label: string,
    options: readonly NoiseDraft[K][],
  ) => (
    <Field id={`${idPrefix}-${name}`} label={label}>
      <OptionSelect
        id={`${idPrefix}-${name}`}
        options={options}
        value={noise[name]}
        onChange={(value) => onChange({ [name]: value })}
      />
    </Field>
  );
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
      {choice('mode', 'Mode', NOISE_MODES)}
      {choice('schedule', 'Schedule', NOISE_SCHEDULES)}
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
