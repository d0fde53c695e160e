'use client';
import { TagRunDocument, UntagRunDocument } from '../../gql/graphql.ts';
import { useMutation } from 'urql';
import { describeError } from '../../lib/errors.ts';
import { ErrorMessage } from '../../components/bits.tsx';
import { TagsForm } from '../../components/tags-form.tsx';

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
  const [tagState, tag] = useMutation(TagRunDocument);
  const [untagState, untag] = useMutation(UntagRunDocument);

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
      <TagsForm
        label="Add tags"
        placeholder="add tags, comma separated"
        submitLabel="Add"
        small
        busy={tagState.fetching}
        formStyle={{ marginTop: '0.3rem' }}
        inputStyle={{ flex: '1 1 8rem', minWidth: 0 }}
        onTags={async (added) => !(await tag({ id: runId, tags: added })).error}
      />
      <ErrorMessage message={describeError(tagState.error) ?? describeError(untagState.error)} />
    </div>
  );
}
