import { unzipSync } from 'fflate';
import { EngineError } from '../errors.ts';
import { TensorRef, unpickleStateDict } from './pickle.ts';
import { BYTES_PER_ELEMENT, decodeLittleEndian, elementCount, type TensorMap } from './tensors.ts';

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i]!;
  }
  return strides;
}

/**
 * Reads a PyTorch zip checkpoint (`torch.save` of a state dict) without executing its pickle:
 * see pickle.ts for what is accepted. Only contiguous little-endian tensors are supported.
 */
export function readPth(bytes: Uint8Array, source = 'checkpoint'): TensorMap {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `${source}: not a PyTorch zip checkpoint (${(error as Error).message})`,
    );
  }
  const picklePath = Object.keys(entries).find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (!picklePath)
    throw new EngineError('INVALID_CHECKPOINT', `${source}: no <archive>/data.pkl inside the zip`);
  const prefix = picklePath.slice(0, -'data.pkl'.length);
  const byteorder = entries[`${prefix}byteorder`];
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') {
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `${source}: big-endian checkpoints are not supported`,
    );
  }

  const tensors: TensorMap = new Map();
  for (const [name, value] of unpickleStateDict(entries[picklePath]!, source)) {
    if (typeof name !== 'string' || !(value instanceof TensorRef)) {
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `${source}: entry ${String(name)} is not a tensor`,
      );
    }
    const { storage, storageOffset, shape, strides } = value;
    const count = elementCount(shape);
    const expectedStrides = contiguousStrides(shape);
    // Strides of size-1 dimensions are arbitrary in PyTorch.
    if (strides.some((stride, i) => shape[i] !== 1 && stride !== expectedStrides[i])) {
      throw new EngineError('INVALID_CHECKPOINT', `${source}: tensor "${name}" is not contiguous`);
    }
    if (storageOffset + count > storage.elementCount) {
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `${source}: tensor "${name}" reaches past the end of its storage`,
      );
    }
    const stored = entries[`${prefix}data/${storage.key}`];
    if (!stored)
      throw new EngineError(
        'INVALID_CHECKPOINT',
        `${source}: storage data/${storage.key} is missing`,
      );
    const size = BYTES_PER_ELEMENT[storage.dtype];
    tensors.set(name, {
      shape,
      data: decodeLittleEndian(
        stored.subarray(storageOffset * size),
        storage.dtype,
        count,
        `${source}: ${name}`,
      ),
    });
  }
  return tensors;
}
