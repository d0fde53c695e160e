'use client';
import { UploadImageDocument } from '../../gql/graphql.ts';
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useMutation } from 'urql';
import type { ImageFieldsFragment } from '../../gql/graphql.ts';
import { describeError, uploadErrorMessage } from '../../lib/errors.ts';

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
      } else setErrors((e) => [...e, uploadErrorMessage(file.name, describeError(result.error))]);
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
        accept="image/png,image/jpeg,image/webp"
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
