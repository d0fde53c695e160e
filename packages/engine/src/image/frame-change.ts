import sharp from 'sharp';
import { EngineError } from '../errors.ts';
import { corruptImage } from './inspect.ts';

/**
 * How much a frame differs from the previous one: the mean absolute difference of their 8-bit RGB
 * pixels (HWC interleaved, as `tensorToRgb8` returns them), divided by 255, so 0 (same) to 1 (inverted).
 */
export function frameChange(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length % 3 !== 0 || a.length === 0) {
    throw new EngineError(
      'INVALID_OPTION',
      `frames must be non-empty 8-bit RGB buffers of equal size, got ${a.length} and ${b.length} bytes`,
      'frames',
    );
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / (a.length * 255);
}

/** The 8-bit RGB pixels (HWC interleaved) of an encoded frame, alpha dropped: the input of `frameChange`. */
export async function imageToRgb8(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const { data } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({
      resolveWithObject: true,
    });
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw corruptImage(error);
  }
}
