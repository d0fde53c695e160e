'use client';
import { UpdateRunNotesDocument } from '../../gql/graphql.ts';
import { useId, useState, type FormEvent } from 'react';
import dynamic from 'next/dynamic';
import { useMutation } from 'urql';
import { MAX_NOTES_LENGTH } from '@latent-lab/domain';
import { describeError } from '../../lib/errors.ts';
import { ErrorMessage } from '../../components/bits.tsx';

// The Markdown renderer is loaded only where notes are shown, so the pages that link to runs
// (and prefetch them) do not carry it.
const Markdown = dynamic(() => import('../../components/markdown.tsx'), {
  loading: () => <p className="muted">Loading notes…</p>,
});

/** A run's notes, rendered safely (see markdown.tsx). */
export function NotesMarkdown({ notes }: { notes: string }) {
  return (
    <div className="notes" data-testid="run-notes">
      <Markdown notes={notes} />
    </div>
  );
}

/**
 * The notes, with an editor for those the API lets change them (`editable`: the run's creator or
 * an admin or owner); short Markdown, the domain's length limit checked before sending.
 */
export function RunNotes({
  runId,
  notes,
  editable,
}: {
  runId: string;
  notes: string;
  editable: boolean;
}) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(notes);
  const [state, save] = useMutation(UpdateRunNotesDocument);
  const tooLong = text.trim().length > MAX_NOTES_LENGTH;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (tooLong) return;
    const result = await save({ id: runId, notes: text });
    if (!result.error) setEditing(false);
  }

  if (!editable || !editing) {
    const shown = notes ? <NotesMarkdown notes={notes} /> : <p className="muted">No notes yet.</p>;
    if (!editable) return shown;
    return (
      <div>
        {shown}
        <button
          type="button"
          className="small"
          onClick={() => {
            setText(notes);
            setEditing(true);
          }}
        >
          {notes ? 'Edit notes' : 'Add notes'}
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={submit}>
      <label htmlFor={`${id}-notes`}>Notes (Markdown)</label>
      <textarea
        id={`${id}-notes`}
        value={text}
        rows={6}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={tooLong || undefined}
        aria-describedby={`${id}-count`}
        style={{ width: '100%', boxSizing: 'border-box' }}
      />
      <p id={`${id}-count`} className={tooLong ? 'field-error' : 'field-hint'}>
        {text.trim().length} / {MAX_NOTES_LENGTH} characters
      </p>
      <div className="row">
        <button type="submit" className="small" disabled={state.fetching || tooLong}>
          Save notes
        </button>
        <button type="button" className="small" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
      <ErrorMessage message={describeError(state.error)} />
    </form>
  );
}
