import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { EngineError } from '../src/errors.ts';
import { frameChange, imageToRgb8, tensorToImage, tensorToRgb8 } from '../src/image/index.ts';
import type { Tensor4 } from '../src/types.ts';

describe('frameChange', () => {
  test('is 0 for equal frames, 1 for black against white, and the mean absolute step otherwise', () => {
    const black = new Uint8Array(12);
    const white = new Uint8Array(12).fill(255);
    assert.equal(frameChange(black, black), 0);
    assert.equal(frameChange(black, white), 1);
    assert.equal(frameChange(white, black), 1);
    const partial = Uint8Array.from([0, 51, 255, 10, 10, 10]);
    const base = Uint8Array.from([0, 0, 0, 10, 10, 10]);
    assert.equal(frameChange(base, partial), (51 + 255) / (6 * 255));
  });

  test('rejects buffers of different sizes or not RGB', () => {
    assert.throws(
      () => frameChange(new Uint8Array(6), new Uint8Array(9)),
      (error: unknown) =>
        error instanceof EngineError &&
        error.code === 'INVALID_OPTION' &&
        /6 and 9/.test(error.message),
    );
    assert.throws(() => frameChange(new Uint8Array(4), new Uint8Array(4)), EngineError);
    assert.throws(() => frameChange(new Uint8Array(0), new Uint8Array(0)), EngineError);
  });

  test('imageToRgb8 reads back the exact pixels of a PNG frame, also one with alpha', async () => {
    const width = 5;
    const height = 4;
    const data = new Float32Array(3 * width * height).map((_, i) => ((i * 37) % 256) / 255);
    const tensor: Tensor4 = { data, shape: [1, 3, height, width] };
    const png = await tensorToImage(tensor, 'png');
    assert.deepEqual(await imageToRgb8(png), tensorToRgb8(tensor));
    const rgba = await sharp(png).ensureAlpha().png().toBuffer();
    assert.deepEqual(await imageToRgb8(rgba), tensorToRgb8(tensor));
    await assert.rejects(imageToRgb8(png.subarray(0, 20)), EngineError);
  });
});
