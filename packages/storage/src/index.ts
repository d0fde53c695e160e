// @latent-lab/storage: bytes by key. Callers see keys only, so a bucket can replace the folder.
export { LocalStorage, type Storage } from './storage.ts';
export { S3Storage, type S3StorageOptions, type PresignOptions } from './s3.ts';
export { StorageKeyError, assertStorageKey } from '@latent-lab/domain';
export { openStorage, type StorageSettings } from './open.ts';
