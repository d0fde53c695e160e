import { S3Storage, type S3StorageOptions } from './s3.ts';
import { LocalStorage, type Storage } from './storage.ts';

/** Which store to open: serializable, so every process and render thread opens the same one. */
export type StorageSettings = { kind: 'local'; root: string } | ({ kind: 's3' } & S3StorageOptions);

export function openStorage(settings: StorageSettings): Storage & { close?(): void } {
  if (settings.kind === 'local') return new LocalStorage(settings.root);
  const { kind: _kind, ...options } = settings;
  return new S3Storage(options);
}
