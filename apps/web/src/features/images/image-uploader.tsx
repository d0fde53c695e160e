'use client';
import { UploadImageDocument } from '../../gql/graphql.ts';
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useMutation, type CombinedError } from 'urql';
import type { ImageFieldsFragment } from '../../gql/graphql.ts';
import { describeError, uploadErrorMessage } from '../../lib/errors.ts';

/** What the file picker offers: the formats the API accepts (and names when it refuses a file). */
const ACCEPTED_TYPES = 'image/png,image/jpeg,image/webp';

const count = new Intl.NumberFormat('en-US');

/**
 * Why a file was refused; an image over the pixel limit is told with its numbers (the API sends
 * them as extensions) written with thousands separators.
 */
function refusalOf(fileName: string, error: CombinedError | undefined): string {
  const extensions = error?.graphQLErrors[0]?.extensions ?? {};
  const { width, height, maxPixels } = extensions;
  if (typeof width === 'number' && typeof height === 'number' && typeof maxPixels === 'number') {
    return `${fileName} is ${width}×${height} = ${count.format(width * height)} pixels, over the pixel limit of ${count.format(maxPixels)}.`;
  }
  return uploadErrorMessage(fileName, describeError(error));
}

/**
 * Drag-and-drop (or pick) image files; each goes up as a GraphQL multipart request. Errors name the
 * file they belong to, and go away with the next batch or when `staleAfter` changes between
 * batches (the caller's list changed another way, e.g. from the library, so they are stale).
 */
export function ImageUploader({
  onUploaded,
  describedBy,
  staleAfter,
}: {
  onUploaded: (image: ImageFieldsFragment) => void;
  describedBy?: string;
  staleAfter?: unknown;
}) {
  const id = useId();
  const [, upload] = useMutation(UploadImageDocument);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(0);
  const [errors, setErrors] = useState<string[]>([]);
  // Set while this uploader's own upload changes the caller's images, which keeps its errors.
  const ownChange = useRef(false);

  useEffect(() => {
    if (ownChange.current) ownChange.current = false;
    else setErrors([]);
  }, [staleAfter]);

  async function uploadAll(files: readonly File[]) {
    setErrors([]);
    setBusy(files.length);
    for (const file of files) {
      const result = await upload({ file });
      if (result.data) {
        ownChange.current = true;
        onUploaded(result.data.uploadImage.image);
      } else setErrors((e) => [...e, refusalOf(file.name, result.error)]);
      setBusy((n) => n - 1);
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    void uploadAll([...event.dataTransfer.files]);
  }

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p style={{ margin: '0 0 0.5rem' }}>Drop images here, or</p>
      <input
        id={`${id}-files`}
        className="visually-hidden"
        type="file"
        accept={ACCEPTED_TYPES}
        multiple
        aria-describedby={describedBy}
        onChange={(e) => {
          void uploadAll([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <label htmlFor={`${id}-files`} className="button">
        Choose files…
      </label>
      {busy > 0 ? (
        <p className="muted" aria-live="polite">
          Uploading {busy} file{busy === 1 ? '' : 's'}…
        </p>
      ) : null}
      {errors.map((message, i) => (
        <p key={i} className="field-error" role="alert" data-testid="upload-error">
          {message}
        </p>
      ))}
    </div>
  );
}
