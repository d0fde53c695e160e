import {
  downloadUrls,
  fileUrl,
  type FrameRecord,
  type ImageRecord,
  type RunRecord,
} from '@latent-lab/domain';
import type { Frame, Image, Run } from './types.ts';

// Domain records to the schema's objects: URLs from storage keys, a run's parameters flattened.

export function toImage(image: ImageRecord): Image {
  const { storageKey, ...fields } = image;
  return { ...fields, url: fileUrl(storageKey) };
}

export function toFrame(frame: FrameRecord): Frame {
  const { storageKey, runId: _runId, ...fields } = frame;
  return { ...fields, url: fileUrl(storageKey) };
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
