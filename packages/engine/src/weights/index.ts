import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { EngineError } from '../errors.ts';
import { readPth } from './pth.ts';
import { readSafetensors } from './safetensors.ts';
import type { TensorMap } from './tensors.ts';

export { readPth } from './pth.ts';
export { readSafetensors } from './safetensors.ts';
export { ALLOWED_GLOBALS } from './pickle.ts';
export type { NamedTensor, TensorMap } from './tensors.ts';

/** Reads a weights file, choosing the reader by extension (.pth/.pt or .safetensors). */
export async function readWeightFile(path: string): Promise<TensorMap> {
  const extension = extname(path).toLowerCase();
  const bytes = new Uint8Array(await readFile(path));
  if (extension === '.safetensors') return readSafetensors(bytes, basename(path));
  if (extension === '.pth' || extension === '.pt') return readPth(bytes, basename(path));
  throw new EngineError(
    'INVALID_CHECKPOINT',
    `${path}: unknown weights format "${extension}" (expected .pth or .safetensors)`,
  );
}
