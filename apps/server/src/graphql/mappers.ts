import {
  downloadUrls,
  fileUrl,
  thumbnailUrl,
  type FrameRecord,
  type ImageRecord,
  type RunRecord,
} from '@latent-lab/domain';
import type { Frame, Image, Run } from './types.ts';

// Domain records to the schema's objects: URLs from storage keys, a run's parameters flattened.

export function toImage(image: ImageRecord): Image {
  const { storageKey, thumbnailKey: _thumbnailKey, ...fields } = image;
  return { ...fields, url: fileUrl(storageKey), thumbnailUrl: thumbnailUrl(image) };
}

export function toFrame(frame: FrameRecord): Frame {
  const { storageKey, thumbnailKey: _thumbnailKey, runId: _runId, ...fields } = frame;
  return { ...fields, url: fileUrl(storageKey), thumbnailUrl: thumbnailUrl(frame) };
}

export function toRun(run: RunRecord): Run {
  const { params, ...fields } = run;
  const { keyframes, animation, noise, ...options } = params;
  return {
    ...fields,
    ...options,
    keyframeIds: keyframes,
    noise: { ...noise },
    animation: { ...animation },
    downloads: downloadUrls(run.id),
  };
}
