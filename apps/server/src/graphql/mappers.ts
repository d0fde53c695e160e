import {
  downloadUrls,
  fileUrl,
  thumbnailUrl,
  type FrameRecord,
  type ImageRecord,
  type RunRecord,
} from '@latent-lab/domain';
import type { UrlSigner } from '../signed-urls.ts';
import type { Frame, Image, Run } from './types.ts';

// Domain records to the schema's objects: signed URLs from storage keys, a run's parameters flattened.

export function toImage(image: ImageRecord, urls: UrlSigner): Image {
  const { storageKey, thumbnailKey: _thumbnailKey, workspaceId: _workspaceId, ...fields } = image;
  return {
    ...fields,
    url: urls.sign(fileUrl(storageKey)),
    thumbnailUrl: urls.sign(thumbnailUrl(image)),
  };
}

export function toFrame(frame: FrameRecord, urls: UrlSigner): Frame {
  const {
    storageKey,
    thumbnailKey: _thumbnailKey,
    runId: _runId,
    byteSize: _byteSize,
    ...fields
  } = frame;
  return {
    ...fields,
    url: urls.sign(fileUrl(storageKey)),
    thumbnailUrl: urls.sign(thumbnailUrl(frame)),
  };
}

export function toRun(run: RunRecord, urls: UrlSigner): Run {
  const { params, workspaceId: _workspaceId, ...fields } = run;
  const { keyframes, animation, noise, ...options } = params;
  const downloads = Object.fromEntries(
    Object.entries(downloadUrls(run.id)).map(([name, path]) => [name, urls.sign(path)]),
  ) as unknown as Run['downloads'];
  return {
    ...fields,
    ...options,
    keyframeIds: keyframes,
    noise: { ...noise },
    animation: { ...animation },
    downloads,
  };
}
