'use client';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  DeleteNoisePresetDocument,
  NoisePresetsDocument,
  type NoisePresetFieldsFragment,
} from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { optionLabel } from '../../components/option-select.tsx';
import { ConfirmButton, StackTable, type Column } from '../../components/stack-table.tsx';
import { canCreate, canEdit } from '../../lib/roles.ts';
import { CreatedBy } from '../../components/created-by.tsx';
import { useSession } from '../../shell/session.tsx';
import { PresetForm } from './preset-form.tsx';

const PRESET_COLUMNS: readonly Column[] = [
  'Name',
  { label: 'Level', className: 'num' },
  'Mode',
  'Schedule',
  'Shared',
  'Description',
];

export function PresetsView() {
  const session = useSession();
  const role = session?.workspace.role;
  const writable = canCreate(role);
  const [{ data, fetching, error }, refetch] = useQuery({ query: NoisePresetsDocument });
  const [deleteState, remove] = useMutation(DeleteNoisePresetDocument);
  const [editing, setEditing] = useState<NoisePresetFieldsFragment | null>(null);
  const [formKey, setFormKey] = useState(0);

  // Built-in presets are read-only; members edit their own.
  const editable = (preset: NoisePresetFieldsFragment) =>
    !preset.builtIn && canEdit(role, preset.createdBy?.id, session?.me.id);

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
      <StackTable label="Noise presets" columns={PRESET_COLUMNS} panel>
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
                    disabled={!editable(preset)}
                    onClick={() => setEditing(preset)}
                    aria-label={`Edit ${preset.name}`}
                  >
                    Edit
                  </button>
                  <ConfirmButton
                    question={`Delete the preset “${preset.name}”?`}
                    disabled={!editable(preset) || deleteState.fetching}
                    label={`Delete ${preset.name}`}
                    onConfirm={async () => {
                      const result = await remove({ id: preset.id });
                      if (!result.error) done();
                    }}
                  >
                    Delete
                  </ConfirmButton>
                </div>
              ) : null}
            </td>
          </tr>
        ))}
      </StackTable>
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
