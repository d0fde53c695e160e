'use client';
import { useId, useState, type FormEvent } from 'react';
import type { CombinedError } from '@urql/core';
import { MAX_NOTES_LENGTH, MAX_REPORT_NAME_LENGTH } from '@latent-lab/domain';
import { ErrorMessage } from '../../components/bits.tsx';
import { Field, invalidProps } from '../../components/field.tsx';
import { fieldErrors } from '../../lib/errors.ts';

export interface ReportDetails {
  name: string;
  notes: string;
}

/**
 * A report's name and notes (Markdown): what "Save as report" asks for and what its author or an
 * admin edits. `onSubmit` answers the API's error, whose fields are shown where they belong (a
 * problem with the view above the form).
 */
export function ReportForm({
  initial,
  label,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: ReportDetails;
  label: string;
  submitLabel: string;
  onSubmit: (details: ReportDetails) => Promise<CombinedError | undefined>;
  onCancel: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const notesLength = draft.notes.trim().length;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const name = draft.name.trim();
    if (!name) return setErrors({ name: 'Give the report a name.' });
    if (name.length > MAX_REPORT_NAME_LENGTH)
      return setErrors({ name: `At most ${MAX_REPORT_NAME_LENGTH} characters.` });
    if (notesLength > MAX_NOTES_LENGTH)
      return setErrors({ notes: `At most ${MAX_NOTES_LENGTH} characters.` });
    setBusy(true);
    const error = await onSubmit({ name, notes: draft.notes });
    setBusy(false);
    setErrors(fieldErrors(error));
  }

  const { name: nameError, notes: notesError, ...others } = errors;
  return (
    <form className="panel" onSubmit={submit} noValidate aria-label={label}>
      <ErrorMessage message={Object.values(others).join(' ') || undefined} />
      <Field id={`${id}-name`} label="Report name" error={nameError}>
        <input
          id={`${id}-name`}
          value={draft.name}
          onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
          {...invalidProps(`${id}-name`, nameError)}
        />
      </Field>
      <Field id={`${id}-notes`} label="Notes (Markdown)" error={notesError}>
        <textarea
          id={`${id}-notes`}
          value={draft.notes}
          rows={5}
          onChange={(e) => setDraft((d) => ({ ...d, notes: e.target.value }))}
          style={{ width: '100%', boxSizing: 'border-box' }}
          {...invalidProps(`${id}-notes`, notesError)}
        />
      </Field>
      <p className={notesLength > MAX_NOTES_LENGTH ? 'field-error' : 'field-hint'}>
        {notesLength} / {MAX_NOTES_LENGTH} characters
      </p>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
