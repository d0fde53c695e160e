// @latent-lab/storage: bytes by key. Callers see keys only, so a bucket can replace the folder.
export { LocalStorage, type Storage } from './storage.ts';
export { StorageKeyError, assertStorageKey } from '@latent-lab/domain';
