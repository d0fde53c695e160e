// Where bytes live in storage, and the URLs that serve them. Keys are relative paths of safe
// segments, so one key works on a local folder and in an S3 bucket alike.

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export class StorageKeyError extends Error {
  override readonly name = 'StorageKeyError';
}

/** No "..", no absolute paths, no hidden files, at most 512 characters. */
export function assertStorageKey(key: string): void {
  if (key.length > 512 || !KEY_PATTERN.test(key) || key.split('/').some((part) => part === '..')) {
    throw new StorageKeyError(`invalid storage key "${key}"`);
  }
}

/** An upload, content-addressed within its workspace: the same bytes there have the same key. */
export function imageKey(workspaceId: string, sha256: string, extension: string): string {
  return `images/${workspaceId}/${sha256}.${extension}`;
}

/** The workspace a stored file belongs to, read from its key (images/<workspace>/...). */
export function imageKeyWorkspace(key: string): string | undefined {
  return /^images\/([0-9a-f-]{36})\//.exec(key)?.[1];
}

/** The run a stored frame belongs to, read from its key (frames/<run>/...). */
export function frameKeyRun(key: string): string | undefined {
  return /^frames\/([0-9a-f-]{36})\//.exec(key)?.[1];
}

/** The folder of a run's frames; deleting the run deletes it. */
export function runFramesFolder(runId: string): string {
  return `frames/${runId}`;
}

/** One frame per (run, index), so storing it again overwrites the same object. */
export function frameKey(runId: string, index: number): string {
  return `${runFramesFolder(runId)}/${String(index).padStart(5, '0')}.png`;
}

/**
 * A frame's small WebP thumbnail, made once when the frame is stored; in the run's frames folder,
 * so deleting the run deletes it.
 */
export function frameThumbKey(runId: string, index: number): string {
  return `${runFramesFolder(runId)}/thumbs/${String(index).padStart(5, '0')}.webp`;
}

/** An upload's small WebP thumbnail, made once at upload and deleted with the image. */
export function imageThumbKey(workspaceId: string, sha256: string): string {
  return `images/${workspaceId}/${sha256}.thumb.webp`;
}

/** The folder of a run's built downloads; deleting the run deletes it. */
export function artifactFolder(runId: string): string {
  return `artifacts/${runId}`;
}

/** An encoded keyframe latent; the cache key covers workspace, image, model, size and fit. */
export function latentKey(cacheKey: string): string {
  return `latents/${cacheKey.replace(/[^A-Za-z0-9._/-]/g, '_')}.f32`;
}

/** The URL path that serves a stored image or frame. */
export function fileUrl(key: string): string {
  return `/files/${key}`;
}

/** The URL of a stored thumbnail; the full file's for one stored before thumbnails existed. */
export function thumbnailUrl(stored: { thumbnailKey: string | null; storageKey: string }): string {
  return fileUrl(stored.thumbnailKey ?? stored.storageKey);
}

export const DOWNLOAD_FILES = {
  framesZip: 'frames.zip',
  animationWebp: 'animation.webp',
  animationGif: 'animation.gif',
  contactSheet: 'contact-sheet.png',
} as const;

export type DownloadName = keyof typeof DOWNLOAD_FILES;
export type DownloadFile = (typeof DOWNLOAD_FILES)[DownloadName];

/** URL paths of a run's downloads, built on the server from its stored frames. */
export function downloadUrls(runId: string): Record<DownloadName, string> {
  const urls = {} as Record<DownloadName, string>;
  for (const [name, file] of Object.entries(DOWNLOAD_FILES) as [DownloadName, DownloadFile][])
    urls[name] = `/runs/${runId}/${file}`;
  return urls;
}
