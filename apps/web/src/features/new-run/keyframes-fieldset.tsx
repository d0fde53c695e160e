'use client';
import { ImagesDocument } from '../../gql/graphql.ts';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';
import type { ImageFieldsFragment } from '../../gql/graphql.ts';
import { FieldError, FileName, FrameBox } from '../../components/bits.tsx';
import { optionLabel } from '../../components/option-select.tsx';
import { ImageUploader } from '../images/image-uploader.tsx';

function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/** The frame the keyframes are fitted into: the form's width, height (NaN while not a number) and fit. */
export interface FrameShape {
  width: number;
  height: number;
  /** The fit as a GraphQL constant (COVER, CONTAIN, FILL). */
  fit: string;
}

/**
 * The keyframe as the engine fits it into the frame: in a box of the frame's aspect, CSS object-fit
 * does what the engine's resize does (cover: scale to fill, centre-crop; contain: scale to fit,
 * black bars; fill: stretch). While the size is not a number, the image's own aspect.
 */
function CropPreview({ image, frame }: { image: ImageFieldsFragment; frame: FrameShape }) {
  const sized = frame.width > 0 && frame.height > 0;
  const fit = optionLabel(frame.fit);
  return (
    <FrameBox
      src={image.thumbnailUrl}
      width={sized ? frame.width : image.width}
      height={sized ? frame.height : image.height}
      alt={`${image.originalName}, ${fit} into ${sized ? `${frame.width}×${frame.height}` : 'the frame'}`}
      className={`crop-preview fit-${fit}`}
    />
  );
}

/** The run's keyframes: uploads or picks from the library, in an order that can be changed. */
export function KeyframesFieldset({
  images,
  onImagesChange,
  onAdd,
  error,
  errorId,
  frame,
}: {
  images: readonly ImageFieldsFragment[];
  onImagesChange: (images: ImageFieldsFragment[]) => void;
  onAdd: (image: ImageFieldsFragment) => void;
  error: string | undefined;
  errorId: string;
  frame: FrameShape;
}) {
  // Named so an upload refreshes the library even while it is empty (no Image in the cached result yet).
  const imageContext = useMemo(() => ({ additionalTypenames: ['Image'] }), []);
  const [library] = useQuery({
    query: ImagesDocument,
    variables: { first: 100 },
    context: imageContext,
  });
  // The list re-renders in its new order after a move: the pressed control of the moved keyframe
  // gets focus back, so keyboard users can keep moving it.
  const listRef = useRef<HTMLOListElement>(null);
  const [moved, setMoved] = useState<{ index: number; where: string } | null>(null);
  useLayoutEffect(() => {
    if (!moved) return;
    listRef.current?.children[moved.index]
      ?.querySelector<HTMLElement>(`[data-move="${moved.where}"]`)
      ?.focus();
    setMoved(null);
  }, [moved]);

  // aria-disabled rather than disabled at either end: a disabled button would drop the focus a
  // move just put on it.
  const moveButton = (i: number, to: number, name: string, where: string, arrow: string) => {
    const blocked = to < 0 || to >= images.length;
    return (
      <button
        type="button"
        className="small"
        data-move={where}
        onClick={() => {
          if (blocked) return;
          onImagesChange(moveItem(images, i, to));
          setMoved({ index: to, where });
        }}
        aria-disabled={blocked || undefined}
        aria-label={`Move ${name} ${where}`}
      >
        {arrow}
      </button>
    );
  };
  return (
    <fieldset>
      <legend>Keyframe images</legend>
      <ImageUploader
        onUploaded={onAdd}
        staleAfter={images}
        describedBy={error ? errorId : undefined}
      />
      <FieldError id={errorId} message={error} />
      {images.length > 0 ? (
        <ol ref={listRef} className="keyframes" aria-label="Keyframe order">
          {images.map((image, i) => (
            <li key={`${image.id}-${i}`} data-testid="keyframe">
              <CropPreview image={image} frame={frame} />
              <span className="mono file-name" data-testid="keyframe-name">
                {i + 1}. <FileName name={image.originalName} />
              </span>
              <div className="row">
                {moveButton(i, i - 1, image.originalName, 'earlier', '←')}
                {moveButton(i, i + 1, image.originalName, 'later', '→')}
                <button
                  type="button"
                  className="small danger"
                  onClick={() => onImagesChange(images.filter((_, j) => j !== i))}
                  aria-label={`Remove ${image.originalName}`}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      <details style={{ marginTop: '0.75rem' }}>
        <summary>Pick from the library ({library.data?.images.totalCount ?? 0})</summary>
        <div className="library">
          {(library.data?.images.nodes ?? []).map((image) => (
            <button
              key={image.id}
              type="button"
              onClick={() => onAdd(image)}
              aria-label={`Add ${image.originalName}`}
            >
              <FrameBox src={image.thumbnailUrl} width={image.width} height={image.height} alt="" />
              <span className="file-name">
                <FileName name={image.originalName} />
              </span>
            </button>
          ))}
        </div>
      </details>
    </fieldset>
  );
}
