import { getFloat16 } from '@petamoriken/float16';
import { EngineError } from '../errors.ts';

/** One tensor of a checkpoint, converted to float32 whatever its stored dtype. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Checkpoint contents keyed by state-dict name, in file order. */
export type TensorMap = Map<string, NamedTensor>;

export type StoredDtype = 'F16' | 'BF16' | 'F32';

export const BYTES_PER_ELEMENT: Record<StoredDtype, number> = { F16: 2, BF16: 2, F32: 4 };

let float16Table: Float32Array | undefined;

/** Every float16 bit pattern decoded once, so converting a tensor is one lookup per element. */
function float16ToFloat32Table(): Float32Array {
  if (float16Table) return float16Table;
  const table = new Float32Array(65536);
  const view = new DataView(new ArrayBuffer(2));
  for (let bits = 0; bits < 65536; bits++) {
    view.setUint16(0, bits, true);
    table[bits] = getFloat16(view, 0, true);
  }
  float16Table = table;
  return table;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** Decodes little-endian stored elements into float32. `bytes` may be unaligned. */
export function decodeLittleEndian(
  bytes: Uint8Array,
  dtype: StoredDtype,
  count: number,
  source: string,
): Float32Array {
  const needed = count * BYTES_PER_ELEMENT[dtype];
  if (bytes.byteLength < needed) {
    throw new EngineError(
      'INVALID_CHECKPOINT',
      `${source}: tensor needs ${needed} bytes of ${dtype} data but only ${bytes.byteLength} are stored`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, needed);
  const out = new Float32Array(count);
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'F16') {
    const table = float16ToFloat32Table();
    for (let i = 0; i < count; i++) out[i] = table[view.getUint16(i * 2, true)]!;
  } else {
    // bfloat16 is the top half of a float32.
    const widened = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < count; i++) {
      widened.setUint32(0, view.getUint16(i * 2, true) << 16, true);
      out[i] = widened.getFloat32(0, true);
    }
  }
  return out;
}
