'use client';
// The New run form's fieldsets of plain fields: interpolation, the run's own settings, the sweep.
import type { ReactNode } from 'react';
import type { ModelsQuery } from '../../gql/graphql.ts';
import { FieldError } from '../../components/bits.tsx';
import { ChoiceFields } from '../../components/choice-fields.tsx';
import { Field, invalidProps } from '../../components/field.tsx';
import { OptionSelect } from '../../components/option-select.tsx';
import { LOOP_OPTIONS } from '../../lib/options.ts';
import { randomSeed } from '../../lib/seed.ts';
import type { Draft } from './draft.ts';
import { MAX_SWEEP, SWEEP_FIELDS, type SweepField } from './sweep.ts';

export interface FieldsetProps {
  /** The form's id: field `name` has the id `${id}-${name}`, its error `${id}-${name}-error`. */
  id: string;
  draft: Draft;
  onChange: (change: Partial<Draft>) => void;
  errors: Record<string, string>;
}

/** A text input of the draft: its field's id, value, change and error state. */
function draftInput(
  { id, draft, onChange, errors }: FieldsetProps,
  name: 'steps' | 'seed' | 'name' | 'tags' | 'sweepValues',
  field: string = name,
) {
  return {
    id: `${id}-${field}`,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => onChange({ [name]: e.target.value }),
    ...invalidProps(`${id}-${field}`, errors[field]),
  };
}

/** A labelled group of inputs (size, animation) that shares one error message. */
function FieldGroup({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <span className="label" id={`${id}-label`}>
        {label}
      </span>
      <div className="row" role="group" aria-labelledby={`${id}-label`}>
        {children}
      </div>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

export function InterpolationFieldset({
  models,
  ...props
}: FieldsetProps & { models: ModelsQuery['models'] }) {
  const { id, draft, onChange, errors } = props;
  const sideInput = (side: 'width' | 'height') => (
    <input
      aria-label={side === 'width' ? 'Width' : 'Height'}
      inputMode="numeric"
      style={{ width: '5rem' }}
      value={draft[side]}
      onChange={(e) => onChange({ [side]: e.target.value })}
      {...invalidProps(`${id}-size`, errors['size'])}
    />
  );
  return (
    <fieldset>
      <legend>Interpolation</legend>
      <div className="form-grid">
        <Field id={`${id}-model`} label="Model" error={errors['model']}>
          <select
            id={`${id}-model`}
            value={draft.model}
            onChange={(e) => onChange({ model: e.target.value })}
            {...invalidProps(`${id}-model`, errors['model'])}
          >
            {models.map((m) => (
              <option key={m.name} value={m.name} disabled={!m.weightsAvailable}>
                {m.name}
                {m.weightsAvailable ? '' : ' (weights missing)'}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-steps`} label="Steps (frames)" error={errors['steps']}>
          <input inputMode="numeric" {...draftInput(props, 'steps')} />
        </Field>
        <FieldGroup id={`${id}-size`} label="Size (px)" error={errors['size']}>
          {sideInput('width')}×{sideInput('height')}
        </FieldGroup>
        <ChoiceFields
          values={draft.choices}
          errors={errors}
          idPrefix={id}
          onChange={(field, value) => onChange({ choices: { ...draft.choices, [field]: value } })}
        />
      </div>
    </fieldset>
  );
}

export function RunFieldset(props: FieldsetProps) {
  const { id, draft, onChange, errors } = props;
  return (
    <fieldset>
      <legend>Run</legend>
      <div className="form-grid">
        <Field id={`${id}-seed`} label="Seed" error={errors['seed']}>
          <div className="row">
            <input inputMode="numeric" style={{ width: '9rem' }} {...draftInput(props, 'seed')} />
            <button type="button" onClick={() => onChange({ seed: String(randomSeed()) })}>
              Random
            </button>
          </div>
        </Field>
        <FieldGroup id={`${id}-animation`} label="Animation" error={errors['animation']}>
          <input
            aria-label="Frames per second"
            inputMode="decimal"
            style={{ width: '4rem' }}
            value={draft.fps}
            onChange={(e) => onChange({ fps: e.target.value })}
            {...invalidProps(`${id}-animation`, errors['animation'])}
          />
          <span>fps</span>
          <OptionSelect
            aria-label="Loop"
            options={LOOP_OPTIONS}
            value={draft.loop}
            onChange={(loop) => onChange({ loop })}
          />
        </FieldGroup>
        <Field id={`${id}-name`} label="Name (optional)" error={errors['name']}>
          <input {...draftInput(props, 'name')} />
        </Field>
        <Field id={`${id}-tags`} label="Tags (comma separated)" error={errors['tags']}>
          <input {...draftInput(props, 'tags')} />
        </Field>
      </div>
    </fieldset>
  );
}

export function SweepFieldset({
  onFieldChange,
  quota,
  runs,
  ...props
}: FieldsetProps & {
  onFieldChange: (field: SweepField) => void;
  /** The workspace's runs queued or running and their limit, once known. */
  quota: { activeRuns: number; maxActiveRuns: number } | undefined;
  /** The runs the sweep's values make. */
  runs: number;
}) {
  const { id, draft, errors } = props;
  const free = quota ? Math.max(0, quota.maxActiveRuns - quota.activeRuns) : null;
  return (
    <fieldset>
      <legend>Sweep</legend>
      <p className="field-hint" style={{ marginTop: 0 }}>
        Launch up to {Math.min(MAX_SWEEP, quota?.maxActiveRuns ?? MAX_SWEEP)} runs that differ in
        one parameter, as one sweep: every run is checked before any starts, and the sweep page
        shows them as a grid.
        {quota ? (
          <span data-testid="sweep-quota">
            {' '}
            This workspace may have {quota.maxActiveRuns} runs queued or running at once;{' '}
            {quota.activeRuns} {quota.activeRuns === 1 ? 'was' : 'were'} when this form opened.
          </span>
        ) : null}
      </p>
      {free !== null && runs > free ? (
        <p className="alert info" data-testid="sweep-over-quota">
          These {runs} runs would pass that limit unless{' '}
          {runs - free === 1 ? 'a run ends' : `${runs - free} runs end`} first: the sweep is refused
          whole if so.
        </p>
      ) : null}
      <div className="form-grid">
        <Field id={`${id}-sweep-field`} label="Vary">
          <select
            id={`${id}-sweep-field`}
            value={draft.sweepField}
            onChange={(e) => onFieldChange(e.target.value as SweepField)}
          >
            {SWEEP_FIELDS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </Field>
        {draft.sweepField === 'none' ? null : (
          <Field
            id={`${id}-sweep`}
            label="Values (comma separated)"
            error={errors['sweep']}
            style={{ gridColumn: 'span 2' }}
          >
            <input {...draftInput(props, 'sweepValues', 'sweep')} />
          </Field>
        )}
      </div>
    </fieldset>
  );
}
