'use client';
import { TagRunDocument, UntagRunDocument } from '../../gql/graphql.ts';
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { describeError } from '../../lib/errors.ts';
import { commaList } from '../../lib/format.ts';
import { ErrorMessage } from '../../components/bits.tsx';

export function TagEditor({
  runId,
  tags,
  readOnly = false,
}: {
  runId: string;
  tags: readonly string[];
  /** Viewers (and members on others' runs) see the tags without the editor. */
  readOnly?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [tagState, tag] = useMutation(TagRunDocument);
  const [untagState, untag] = useMutation(UntagRunDocument);

  async function add(event: FormEvent) {
    event.preventDefault();
    const added = commaList(text);
    if (added.length === 0) return;
    const result = await tag({ id: runId, tags: added });
    if (!result.error) setText('');
  }

  if (readOnly)
    return (
      <div data-testid="tags">
        {tags.length === 0 ? '—' : null}
        {tags.map((t) => (
          <span className="tag" key={t}>
            {t}
          </span>
        ))}
      </div>
    );

  return (
    <div>
      <div>
        {tags.map((t) => (
          <span className="tag" key={t}>
            {t}{' '}
            <button
              type="button"
              className="small"
              style={{ minHeight: 0, padding: '0 0.25rem', border: 0, background: 'none' }}
              onClick={() => untag({ id: runId, tags: [t] })}
              aria-label={`Remove tag ${t}`}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <form className="row" onSubmit={add} style={{ marginTop: '0.3rem' }}>
        <label htmlFor={`${id}-tags`} className="visually-hidden">
          Add tags
        </label>
        <input
          id={`${id}-tags`}
          placeholder="add tags, comma separated"
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ flex: '1 1 8rem', minWidth: 0 }}
        />
        <button type="submit" className="small" disabled={tagState.fetching}>
          Add
        </button>
      </form>
      <ErrorMessage message={describeError(tagState.error) ?? describeError(untagState.error)} />
    </div>
  );
}
