'use client';
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  CreateNoisePresetMutation,
  DeleteNoisePresetMutation,
  NoisePresetsQuery,
  UpdateNoisePresetMutation,
} from './documents.ts';
import type { NoisePresetFieldsFragment } from '../../gql/graphql.ts';
import { describeError, fieldErrors } from '../../lib/errors.ts';
import { noiseLevels } from '../../lib/noise-schedule.ts';
import { ErrorMessage, FieldError } from '../../components/bits.tsx';
import { LineChart, SERIES_COLORS } from '../../components/line-chart.tsx';
import { NoiseFields, optionLabel, type NoiseDraft } from '../../components/noise-fields.tsx';
import { canCreate, canEdit } from '../../lib/roles.ts';
import { CreatedBy } from '../../components/created-by.tsx';
import { useSession } from '../../shell/session.tsx';

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

function PresetForm({
  editing,
  onDone,
}: {
  editing: NoisePresetFieldsFragment | null;
  onDone: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<PresetDraft>(editing ? draftOf(editing) : EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [createState, create] = useMutation(CreateNoisePresetMutation);
  const [updateState, update] = useMutation(UpdateNoisePresetMutation);
  const level = Number.parseFloat(draft.level);
  const preview = noiseLevels(
    { level, mode: draft.mode, schedule: draft.schedule, shared: draft.shared },
    PREVIEW_STEPS,
  );
  const set = <K extends keyof PresetDraft>(key: K, value: PresetDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const errorId = (name: string) => `${id}-${name}-error`;
  const invalid = (name: string) =>
    errors[name] ? { 'aria-invalid': true as const, 'aria-describedby': errorId(name) } : {};

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
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={draft.name}
            onChange={(e) => set('name', e.target.value)}
            {...invalid('name')}
          />
          <FieldError id={errorId('name')} message={errors['name']} />
        </div>
        <NoiseFields
          idPrefix={id}
          noise={draft}
          onChange={(change) => setDraft((d) => ({ ...d, ...change }))}
          levelInvalidProps={invalid('level')}
          levelError={<FieldError id={errorId('level')} message={errors['level']} />}
        />
        <div className="field" style={{ gridColumn: '1 / -1' }}>
          <label htmlFor={`${id}-description`}>Description</label>
          <input
            id={`${id}-description`}
            value={draft.description}
            onChange={(e) => set('description', e.target.value)}
            {...invalid('description')}
          />
          <FieldError id={errorId('description')} message={errors['description']} />
        </div>
      </div>
      <div style={{ maxWidth: 380, margin: '0.5rem 0' }}>
        {preview.length > 0 ? (
          <LineChart
            title="Noise schedule preview"
            xLabel={`${PREVIEW_STEPS} frames`}
            series={[{ label: 'noise', color: SERIES_COLORS[0], values: preview }]}
          />
        ) : null}
      </div>
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

export function PresetsView() {
  const session = useSession();
  const role = session?.workspace.role;
  const writable = canCreate(role);
  const [{ data, fetching, error }, refetch] = useQuery({ query: NoisePresetsQuery });
  const [deleteState, remove] = useMutation(DeleteNoisePresetMutation);
  const [editing, setEditing] = useState<NoisePresetFieldsFragment | null>(null);
  const [formKey, setFormKey] = useState(0);

  function done() {
    setEditing(null);
    setFormKey((k) => k + 1);
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <>
      <div className="page-head">
        <h1>Noise presets</h1>
      </div>
      <ErrorMessage message={describeError(error) ?? describeError(deleteState.error)} />
      {fetching && !data ? <p className="muted">Loading presets…</p> : null}
      <div className="panel" style={{ overflowX: 'auto' }}>
        <table aria-label="Noise presets" className="stack-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Level
              </th>
              <th scope="col">Mode</th>
              <th scope="col">Schedule</th>
              <th scope="col">Shared</th>
              <th scope="col">Description</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(data?.noisePresets ?? []).map((preset) => (
              <tr key={preset.id}>
                <td>
                  {preset.name}
                  {preset.builtIn ? (
                    <span className="tag" style={{ marginLeft: 6 }}>
                      built-in
                    </span>
                  ) : null}
                </td>
                <td className="num" data-label="Level">
                  {preset.level}
                </td>
                <td data-label="Mode">{optionLabel(preset.mode)}</td>
                <td data-label="Schedule">{optionLabel(preset.schedule)}</td>
                <td data-label="Shared">{preset.shared ? 'yes' : 'no'}</td>
                <td>
                  {preset.description}
                  {preset.createdBy ? (
                    <span className="muted">
                      {preset.description ? ' · ' : ''}
                      <CreatedBy user={preset.createdBy} />
                    </span>
                  ) : null}
                </td>
                <td>
                  {writable ? (
                    <div className="row">
                      <button
                        type="button"
                        className="small"
                        disabled={
                          preset.builtIn || !canEdit(role, preset.createdBy?.id, session?.me.id)
                        }
                        onClick={() => setEditing(preset)}
                        aria-label={`Edit ${preset.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="small danger"
                        disabled={
                          preset.builtIn ||
                          deleteState.fetching ||
                          !canEdit(role, preset.createdBy?.id, session?.me.id)
                        }
                        aria-label={`Delete ${preset.name}`}
                        onClick={async () => {
                          if (!window.confirm(`Delete the preset “${preset.name}”?`)) return;
                          const result = await remove({ id: preset.id });
                          if (!result.error) done();
                        }}
                      >
                        Delete
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {writable ? (
        <PresetForm
          key={editing ? `edit-${editing.id}` : `new-${formKey}`}
          editing={editing}
          onDone={done}
        />
      ) : null}
    </>
  );
}
