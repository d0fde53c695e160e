'use client';
import { DeleteImageDocument, ImagesDocument, RunsUsingImageDocument } from '../../gql/graphql.ts';
import { useState } from 'react';
import Link from 'next/link';
import { useMutation, useQuery } from 'urql';
import type { ImageFieldsFragment } from '../../gql/graphql.ts';
import { describeError } from '../../lib/errors.ts';
import { formatBytes, formatDateTime } from '../../lib/format.ts';
import { ErrorMessage, FileName, FrameBox, StatusBadge } from '../../components/bits.tsx';
import { ImageUploader } from './image-uploader.tsx';
import { Pager, useCursorPages } from '../../components/pager.tsx';
import { canCreate, canEdit } from '../../lib/roles.ts';
import { CreatedBy } from '../../components/created-by.tsx';
import { useSession } from '../../shell/session.tsx';

const PAGE_SIZE = 24;

function ImageCard({ image, onDeleted }: { image: ImageFieldsFragment; onDeleted: () => void }) {
  const session = useSession();
  const deletable = canEdit(session?.workspace.role, image.createdBy?.id, session?.me.id);
  const [usage] = useQuery({ query: RunsUsingImageDocument, variables: { imageId: image.id } });
  const [deleteState, remove] = useMutation(DeleteImageDocument);
  const [refusal, setRefusal] = useState<string | null>(null);
  const runs = usage.data?.runs.nodes ?? [];
  const used = usage.data?.runs.totalCount ?? 0;
  const inUse = (count: number) =>
    `${image.originalName} is used by ${count > 0 ? count : 'some'} run${count === 1 ? '' : 's'}: delete ${count === 1 ? 'that run' : 'those runs'} first to delete the image.`;

  async function deleteImage() {
    setRefusal(null);
    // The API refuses while runs use the image; say so with the file name, without asking first.
    if (used > 0) return setRefusal(inUse(used));
    if (!window.confirm(`Delete the image “${image.originalName}”? This cannot be undone.`)) return;
    const result = await remove({ id: image.id }, { additionalTypenames: ['Image'] });
    if (!result.error) return onDeleted();
    const conflict = result.error.graphQLErrors.some((e) => e.extensions?.['code'] === 'CONFLICT');
    setRefusal(conflict ? inUse(used) : describeError(result.error));
  }
  return (
    <li className="card" data-testid="image-card">
      <FrameBox
        src={image.thumbnailUrl}
        width={image.width}
        height={image.height}
        alt={image.originalName}
      />
      <span className="name">
        <FileName name={image.originalName} />
      </span>
      <span className="muted">
        {image.width}×{image.height} · {formatBytes(image.byteSize)} ·{' '}
        {formatDateTime(image.createdAt)}
        {image.createdBy ? (
          <>
            {' · '}
            <CreatedBy user={image.createdBy} />
          </>
        ) : null}
      </span>
      <div>
        <span className="muted">
          Used by {usage.data ? usage.data.runs.totalCount : '…'} run
          {usage.data?.runs.totalCount === 1 ? '' : 's'}
        </span>
        {runs.length > 0 ? (
          <ul style={{ margin: '0.2rem 0 0', paddingLeft: '1.1rem' }}>
            {runs.slice(0, 5).map((run) => (
              <li key={run.id}>
                <Link href={`/runs/${run.id}`} prefetch={false}>
                  {run.name}
                </Link> <StatusBadge status={run.status} />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <ErrorMessage message={refusal} />
      {deletable ? (
        <button
          type="button"
          className="small danger"
          disabled={deleteState.fetching}
          aria-label={`Delete ${image.originalName}`}
          onClick={() => void deleteImage()}
        >
          Delete
        </button>
      ) : null}
    </li>
  );
}

export function ImagesView() {
  const session = useSession();
  const pages = useCursorPages();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ImagesDocument,
    variables: { first: PAGE_SIZE, after: pages.after },
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <>
      <div className="page-head">
        <h1>Images</h1>
      </div>
      {canCreate(session?.workspace.role) ? (
        <div className="panel">
          <ImageUploader onUploaded={reload} />
        </div>
      ) : null}
      <ErrorMessage message={describeError(error)} />
      {fetching && !data ? <p className="muted">Loading images…</p> : null}
      {data ? <p className="muted">{data.images.totalCount} images</p> : null}
      <ul className="card-grid" aria-label="Image library">
        {(data?.images.nodes ?? []).map((image) => (
          <ImageCard key={image.id} image={image} onDeleted={reload} />
        ))}
      </ul>
      <Pager pages={pages} pageInfo={data?.images} />
    </>
  );
}
