'use client';
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import {
  CreateNoisePresetDocument,
  UpdateNoisePresetDocument,
  type NoisePresetFieldsFragment,
} from '../../gql/graphql.ts';
import { fieldErrors } from '../../lib/errors.ts';
import { ErrorMessage, FieldError } from '../../components/bits.tsx';
import { Field, invalidProps } from '../../components/field.tsx';
import { NoiseFields, type NoiseDraft } from '../../components/noise-fields.tsx';
import { NoiseSchedulePlot } from '../../components/noise-schedule-plot.tsx';

const PREVIEW_STEPS = 24;

interface PresetDraft extends NoiseDraft {
  name: string;
  description: string;
}

const EMPTY: PresetDraft = {
  name: '',
  level: '0.2',
  mode: 'ABSOLUTE',
  schedule: 'CONSTANT',
  shared: false,
  description: '',
};

function draftOf(preset: NoisePresetFieldsFragment): PresetDraft {
  return { ...preset, level: String(preset.level) };
}

export function PresetForm({
  editing,
  onDone,
}: {
  editing: NoisePresetFieldsFragment | null;
  onDone: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<PresetDraft>(editing ? draftOf(editing) : EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [createState, create] = useMutation(CreateNoisePresetDocument);
  const [updateState, update] = useMutation(UpdateNoisePresetDocument);
  const level = Number.parseFloat(draft.level);
  const set = <K extends keyof PresetDraft>(key: K, value: PresetDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const invalid = (name: string) => invalidProps(`${id}-${name}`, errors[name]);
  const textField = (name: 'name' | 'description', label: string) => (
    <Field
      id={`${id}-${name}`}
      label={label}
      error={errors[name]}
      style={name === 'description' ? { gridColumn: '1 / -1' } : undefined}
    >
      <input
        id={`${id}-${name}`}
        value={draft[name]}
        onChange={(e) => set(name, e.target.value)}
        {...invalid(name)}
      />
    </Field>
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!Number.isFinite(level))
      return setErrors({ level: 'Level must be a number (0 for no noise).' });
    const input = {
      name: draft.name.trim(),
      level,
      mode: draft.mode,
      schedule: draft.schedule,
      shared: draft.shared,
      description: draft.description,
    };
    const result = editing ? await update({ id: editing.id, input }) : await create({ input });
    if (result.error) {
      const fields = fieldErrors(result.error);
      // Preset fields are named plainly or under input.; a noise.* path means the level or its kind.
      const placed: Record<string, string> = {};
      for (const [field, message] of Object.entries(fields))
        placed[field === 'noise' ? 'level' : field] = message;
      return setErrors(placed);
    }
    setErrors({});
    onDone();
  }

  return (
    <form
      className="panel"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit preset ${editing.name}` : 'New preset'}
    >
      <h2 style={{ marginTop: 0 }}>{editing ? `Edit “${editing.name}”` : 'New preset'}</h2>
      <ErrorMessage
        message={errors['form'] ?? errors['mode'] ?? errors['schedule'] ?? errors['shared']}
      />
      <div className="form-grid">
        {textField('name', 'Name')}
        <NoiseFields
          idPrefix={id}
          noise={draft}
          onChange={(change) => setDraft((d) => ({ ...d, ...change }))}
          levelInvalidProps={invalid('level')}
          levelError={<FieldError id={`${id}-level-error`} message={errors['level']} />}
        />
        {textField('description', 'Description')}
      </div>
      <NoiseSchedulePlot
        noise={{ ...draft, level }}
        steps={PREVIEW_STEPS}
        title="Noise schedule preview"
        style={{ maxWidth: 380, margin: '0.5rem 0' }}
        xLabel={(frames) => `${frames} frames`}
      />
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={createState.fetching || updateState.fetching}
        >
          {editing ? 'Save changes' : 'Create preset'}
        </button>
        {editing ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
