// What the engine tests share: the shared folder (weights and photos), a photo as the engine takes
// it, and a matcher for the engine's INVALID_OPTION errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { EngineError } from '../src/errors.ts';
import type { Tensor4 } from '../src/types.ts';

export const SHARED_DIR = fileURLToPath(new URL('../../../../shared/', import.meta.url));
/** Photos outside the shared set, from Debian's packages (scripts/outside-photos.sh). */
export const OUTSIDE_PHOTOS_DIR = fileURLToPath(
  new URL('../../../.tools/outside-photos/', import.meta.url),
);

/** A photo (default: a shared one), center-cropped ("cover") to size x size: 8-bit RGB bytes and an NCHW [0,1] tensor. */
export async function loadPhoto(
  name: string,
  size: number,
  dir = join(SHARED_DIR, 'images'),
): Promise<{ pixels: Uint8Array; tensor: Tensor4 }> {
  const pixels = new Uint8Array(
    await sharp(join(dir, name))
      .removeAlpha()
      .resize(size, size, { fit: 'cover' })
      .raw()
      .toBuffer(),
  );
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) data[c * plane + i] = pixels[i * 3 + c]! / 255;
  return { pixels, tensor: { data, shape: [1, 3, size, size] } };
}

/** Asserts that `fn` throws the engine's INVALID_OPTION error for this field. */
export function assertInvalid(fn: () => unknown, field: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'INVALID_OPTION');
    assert.equal(error.field, field);
    return true;
  });
}
