'use client';
import { DeleteRunDocument, TagRunDocument } from '../../gql/graphql.ts';
import { useState } from 'react';
import Link from 'next/link';
import { useClient } from 'urql';
import { describeError } from '../../lib/errors.ts';
import { TagsForm } from '../../components/tags-form.tsx';
import { compareHref, MAX_COMPARED } from '../compare/compare.ts';

/** Selected runs: delete, tag or compare them together. */
export function SelectionBar({
  selected,
  names,
  onClear,
  onChanged,
  writable,
}: {
  writable: boolean;
  selected: readonly string[];
  names: ReadonlyMap<string, string>;
  onClear: () => void;
  onChanged: (deleted: readonly string[]) => void;
}) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const count = selected.length;

  async function each(
    action: (runId: string) => Promise<{ error?: Parameters<typeof describeError>[0] }>,
  ): Promise<string[]> {
    setBusy(true);
    setError(null);
    setMessage(null);
    const failures: string[] = [];
    const done: string[] = [];
    for (const runId of selected) {
      const result = await action(runId);
      if (result.error)
        failures.push(`${names.get(runId) ?? runId}: ${describeError(result.error)}`);
      else done.push(runId);
    }
    setBusy(false);
    if (failures.length > 0) setError(failures.join(' '));
    return done;
  }

  async function tagAll(added: string[]): Promise<boolean> {
    const done = await each((runId) =>
      client.mutation(TagRunDocument, { id: runId, tags: added }).toPromise(),
    );
    if (done.length > 0) setMessage(`Tagged ${done.length} run${done.length === 1 ? '' : 's'}.`);
    onChanged([]);
    return done.length > 0;
  }

  async function deleteAll() {
    if (!window.confirm(`Delete ${count} run${count === 1 ? '' : 's'} and their frames?`)) return;
    const deleted = await each((runId) =>
      client
        .mutation(DeleteRunDocument, { id: runId }, { additionalTypenames: ['Run'] })
        .toPromise(),
    );
    if (deleted.length > 0)
      setMessage(`Deleted ${deleted.length} run${deleted.length === 1 ? '' : 's'}.`);
    onChanged(deleted);
  }

  return (
    <div className="compare-bar" role="region" aria-label="Selected runs">
      <span>
        {count} selected
        {count === 1 ? ' (pick at least 2 to compare)' : ''}
        {count > MAX_COMPARED ? ` (compare takes at most ${MAX_COMPARED})` : ''}
      </span>
      {count >= 2 && count <= MAX_COMPARED ? (
        <Link className="button primary" href={compareHref(selected)}>
          Compare {count} runs
        </Link>
      ) : null}
      {writable ? (
        <TagsForm
          label="Tags for the selected runs"
          placeholder="tags, comma separated"
          submitLabel="Tag selected"
          busy={busy}
          needsText
          inputStyle={{ width: '11rem' }}
          onTags={tagAll}
        />
      ) : null}
      {writable ? (
        <button type="button" className="danger" onClick={deleteAll} disabled={busy}>
          Delete selected
        </button>
      ) : null}
      <span className="spacer" />
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
      {message ? (
        <span role="status" className="bar-note">
          {message}
        </span>
      ) : null}
      {error ? (
        <span role="alert" className="bar-note">
          {error}
        </span>
      ) : null}
    </div>
  );
}
