'use client';
import type { NoisePresetFieldsFragment } from '../../gql/graphql.ts';
import { FieldError } from '../../components/bits.tsx';
import { Field, invalidProps } from '../../components/field.tsx';
import { NoiseSchedulePlot } from '../../components/noise-schedule-plot.tsx';
import { NoiseFields, type NoiseDraft } from '../../components/noise-fields.tsx';
import type { NoiseShape } from '../../lib/noise-schedule.ts';
import { CUSTOM } from './draft.ts';

/** The run's noise: a preset, or level, mode, schedule and sharing typed here; and its plot. */
export function NoiseFieldset({
  id,
  presets,
  choice,
  onChoiceChange,
  custom,
  onCustomChange,
  noise,
  steps,
  error,
}: {
  id: string;
  presets: readonly NoisePresetFieldsFragment[];
  /** A preset's id, or CUSTOM. */
  choice: string;
  onChoiceChange: (choice: string) => void;
  custom: NoiseDraft;
  onCustomChange: (change: Partial<NoiseDraft>) => void;
  /** The noise the run gets: the preset's, or the custom one. */
  noise: NoiseShape;
  steps: number;
  error: string | undefined;
}) {
  const fieldId = `${id}-noise`;
  const preset = presets.find((p) => p.id === choice);
  return (
    <fieldset>
      <legend>Noise</legend>
      <div className="form-grid">
        <Field id={fieldId} label="Preset">
          <select
            id={fieldId}
            value={choice}
            onChange={(e) => onChoiceChange(e.target.value)}
            {...invalidProps(fieldId, error)}
          >
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value={CUSTOM}>Custom…</option>
          </select>
        </Field>
        {preset ? null : (
          <NoiseFields
            idPrefix={fieldId}
            noise={custom}
            onChange={onCustomChange}
            levelInvalidProps={invalidProps(fieldId, error)}
          />
        )}
      </div>
      {preset?.description ? <p className="field-hint">{preset.description}</p> : null}
      <FieldError id={`${fieldId}-error`} message={error} />
      <NoiseSchedulePlot
        noise={noise}
        steps={steps}
        title="Noise level across frames"
        style={{ maxWidth: 420, marginTop: '0.5rem' }}
        xLabel={(count) => `frame 0 → ${count - 1} (${noise.mode.toLowerCase()} units)`}
        empty={
          <p className="field-hint">The schedule plot appears once steps and level are valid.</p>
        }
      />
    </fieldset>
  );
}
