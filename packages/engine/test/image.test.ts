import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { EngineError, type EngineErrorCode } from '../src/errors.ts';
import {
  contactSheet,
  encodeAnimation,
  imageToTensor,
  inspectImage,
  parseSize,
  tensorToImage,
  tensorToRgb8,
  validateSize,
} from '../src/image/index.ts';
import type { Tensor4 } from '../src/types.ts';

const imagesDir = fileURLToPath(new URL('../../../../shared/images/', import.meta.url));
const photo = (name: string): Promise<Buffer> => readFile(imagesDir + name);

type Rgb = [number, number, number];

/** The pixel at (x, y) of an NCHW RGB tensor. */
function pixel(tensor: Tensor4, x: number, y: number): Rgb {
  const [, , height, width] = tensor.shape;
  const plane = height * width;
  const at = y * width + x;
  return [tensor.data[at]!, tensor.data[plane + at]!, tensor.data[2 * plane + at]!];
}

function assertColour(actual: Rgb, expected: Rgb, tolerance: number, where: string): void {
  for (let c = 0; c < 3; c++) {
    assert.ok(
      Math.abs(actual[c]! - expected[c]!) <= tolerance,
      `${where}: got [${actual.map((v) => v.toFixed(3)).join(', ')}], expected [${expected.join(', ')}]`,
    );
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: EngineErrorCode,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof EngineError, `not an EngineError: ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

function solid(width: number, height: number, background: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
}

const RED: Rgb = [1, 0, 0];
const GREEN: Rgb = [0, 1, 0];
const BLUE: Rgb = [0, 0, 1];
const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [1, 1, 1];

describe('inspectImage', () => {
  test('reads format and size of the real photos', async () => {
    assert.deepEqual(await inspectImage(await photo('chelsea.png')), {
      format: 'png',
      mimeType: 'image/png',
      width: 451,
      height: 300,
    });
    assert.deepEqual(await inspectImage(await photo('rocket.jpg')), {
      format: 'jpeg',
      mimeType: 'image/jpeg',
      width: 640,
      height: 427,
    });
  });

  test('reads WebP and reports EXIF-oriented dimensions', async () => {
    const webp = await sharp(await solid(40, 24, 'red'))
      .webp()
      .toBuffer();
    assert.deepEqual(await inspectImage(webp), {
      format: 'webp',
      mimeType: 'image/webp',
      width: 40,
      height: 24,
    });
    const rotated = await sharp(await solid(40, 24, 'red'))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    assert.deepEqual(await inspectImage(rotated), {
      format: 'jpeg',
      mimeType: 'image/jpeg',
      width: 24,
      height: 40,
    });
  });

  test('empty, non-image, truncated and oversized input each give their own error', async () => {
    const png = await photo('chelsea.png');
    const truncated = png.subarray(0, png.length >> 1);
    await rejectsWith(inspectImage(new Uint8Array(0)), 'INVALID_IMAGE', /file is empty/);
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251);
    await rejectsWith(
      inspectImage(random),
      'INVALID_IMAGE',
      /not a supported image \(PNG, JPEG, WebP/,
    );
    await rejectsWith(inspectImage(truncated), 'INVALID_IMAGE', /truncated or corrupt/);
    const rocket = await photo('rocket.jpg');
    await rejectsWith(
      inspectImage(rocket.subarray(0, rocket.length >> 1)),
      'INVALID_IMAGE',
      /truncated or corrupt/,
    );
    // Cut inside its header: a JPEG that ends early, not an unknown format.
    await rejectsWith(
      inspectImage(rocket.subarray(0, 300)),
      'INVALID_IMAGE',
      /truncated or corrupt/,
    );
    await rejectsWith(
      inspectImage(png, { maxInputPixels: 100_000 }),
      'IMAGE_TOO_LARGE',
      /451x300 = 135300 pixels, over the pixel limit of 100000/,
    );
    // The limit is checked from the header: a truncated oversized file is reported as too large.
    await rejectsWith(
      imageToTensor(truncated, { width: 64, height: 64 }, 'cover', { maxInputPixels: 100_000 }),
      'IMAGE_TOO_LARGE',
      /135300/,
    );
    await rejectsWith(
      imageToTensor(truncated, { width: 64, height: 64 }, 'cover'),
      'INVALID_IMAGE',
      /truncated or corrupt/,
    );
    await rejectsWith(
      imageToTensor(new Uint8Array(0), { width: 64, height: 64 }, 'cover'),
      'INVALID_IMAGE',
      /file is empty/,
    );
  });
});

describe('sizes', () => {
  test('parseSize accepts WxH and a single side', () => {
    assert.deepEqual(parseSize('512x384'), { width: 512, height: 384 });
    assert.deepEqual(parseSize('256'), { width: 256, height: 256 });
    assert.deepEqual(parseSize('4096', 4096), { width: 4096, height: 4096 });
  });

  test('sides that are not multiples of 8 in [8, maxSide] are rejected with field size', () => {
    for (const text of ['500', '0', '4096', '512x', 'x512', 'big', '512x-8', '1e3']) {
      assert.throws(
        () => parseSize(text),
        (error: unknown) =>
          error instanceof EngineError && error.code === 'INVALID_OPTION' && error.field === 'size',
        text,
      );
    }
    assert.throws(() => validateSize({ width: 64, height: 66 }), /height must be a multiple of 8/);
  });
});

describe('imageToTensor', () => {
  test('real PNG and JPEG photos become [1,3,H,W] tensors in [0,1]', async () => {
    for (const name of ['chelsea.png', 'rocket.jpg', 'astronaut.png', 'coffee.png']) {
      const tensor = await imageToTensor(await photo(name), { width: 128, height: 96 }, 'cover');
      assert.deepEqual(tensor.shape, [1, 3, 96, 128]);
      assert.equal(tensor.data.length, 3 * 96 * 128);
      let min = 1;
      let max = 0;
      for (const v of tensor.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assert.ok(min >= 0 && max <= 1 && max - min > 0.5, `${name}: range ${min}..${max}`);
    }
  });

  test('grayscale becomes equal RGB; transparent pixels become white', async () => {
    const gray = await sharp(await solid(32, 32, '#808080'))
      .toColourspace('b-w')
      .png()
      .toBuffer();
    assert.equal((await sharp(gray).metadata()).channels, 1);
    const grayTensor = await imageToTensor(gray, { width: 16, height: 16 }, 'cover');
    assertColour(pixel(grayTensor, 5, 5), [128 / 255, 128 / 255, 128 / 255], 1e-6, 'gray');

    const rgba = await sharp({
      create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0 } },
    })
      .composite([
        {
          input: {
            create: {
              width: 16,
              height: 32,
              channels: 4,
              background: { r: 255, g: 0, b: 0, alpha: 1 },
            },
          },
          left: 0,
          top: 0,
        },
      ])
      .png()
      .toBuffer();
    const rgbaTensor = await imageToTensor(rgba, { width: 32, height: 32 }, 'fill');
    assertColour(pixel(rgbaTensor, 4, 10), RED, 1e-6, 'opaque half');
    assertColour(pixel(rgbaTensor, 28, 10), WHITE, 1e-6, 'transparent half');
  });

  test('16-bit PNG input becomes 8-bit levels', async () => {
    const deep = await sharp(await solid(32, 32, '#ff8000'))
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    assert.equal((await sharp(deep).metadata()).depth, 'ushort');
    const tensor = await imageToTensor(deep, { width: 16, height: 16 }, 'cover');
    assertColour(pixel(tensor, 8, 8), [1, 128 / 255, 0], 1e-6, '16-bit');
  });

  test('WebP input decodes', async () => {
    const webp = await sharp(await solid(48, 48, '#00ff00'))
      .webp({ lossless: true })
      .toBuffer();
    assertColour(
      pixel(await imageToTensor(webp, { width: 16, height: 16 }, 'cover'), 8, 8),
      GREEN,
      1e-6,
      'webp',
    );
  });

  test('EXIF orientation 6 is applied: the stored top-left corner lands top-right', async () => {
    // Stored 40x20 landscape, red square top-left; orientation 6 means "rotate 90 degrees clockwise to view".
    const stored = await sharp({
      create: { width: 40, height: 20, channels: 3, background: 'blue' },
    })
      .composite([
        {
          input: { create: { width: 10, height: 10, channels: 3, background: 'red' } },
          left: 0,
          top: 0,
        },
      ])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const tensor = await imageToTensor(stored, { width: 16, height: 32 }, 'fill');
    assertColour(pixel(tensor, 13, 3), RED, 0.2, 'top-right');
    assertColour(pixel(tensor, 3, 3), BLUE, 0.2, 'top-left');
    assertColour(pixel(tensor, 13, 28), BLUE, 0.2, 'bottom-right');
  });

  describe('fit modes on a 128x64 image: green | red | blue in quarters', () => {
    const stripes = (): Promise<Buffer> =>
      sharp({ create: { width: 128, height: 64, channels: 3, background: 'red' } })
        .composite([
          {
            input: { create: { width: 32, height: 64, channels: 3, background: '#00ff00' } },
            left: 0,
            top: 0,
          },
          {
            input: { create: { width: 32, height: 64, channels: 3, background: 'blue' } },
            left: 96,
            top: 0,
          },
        ])
        .png()
        .toBuffer();
    const size = { width: 32, height: 32 };

    test('cover crops the centre: only the red middle remains', async () => {
      const tensor = await imageToTensor(await stripes(), size, 'cover');
      assert.deepEqual(tensor.shape, [1, 3, 32, 32]);
      for (const x of [4, 16, 27]) assertColour(pixel(tensor, x, 16), RED, 0.05, `cover x=${x}`);
    });

    test('contain letterboxes with black bars above and below', async () => {
      const tensor = await imageToTensor(await stripes(), size, 'contain');
      assert.deepEqual(tensor.shape, [1, 3, 32, 32]);
      assertColour(pixel(tensor, 16, 2), BLACK, 0, 'top bar');
      assertColour(pixel(tensor, 16, 29), BLACK, 0, 'bottom bar');
      assertColour(pixel(tensor, 2, 16), GREEN, 0.05, 'left');
      assertColour(pixel(tensor, 16, 16), RED, 0.05, 'middle');
      assertColour(pixel(tensor, 29, 16), BLUE, 0.05, 'right');
    });

    test('fill stretches: all three stripes over the full height', async () => {
      const tensor = await imageToTensor(await stripes(), size, 'fill');
      for (const y of [2, 29]) {
        assertColour(pixel(tensor, 2, y), GREEN, 0.05, `fill left y=${y}`);
        assertColour(pixel(tensor, 16, y), RED, 0.05, `fill middle y=${y}`);
        assertColour(pixel(tensor, 29, y), BLUE, 0.05, `fill right y=${y}`);
      }
    });
  });

  test('rejects a bad size or fit before decoding', async () => {
    const png = await photo('chelsea.png');
    await assert.rejects(imageToTensor(png, { width: 100, height: 64 }, 'cover'), {
      code: 'INVALID_OPTION',
      field: 'size',
    });
    await assert.rejects(imageToTensor(png, { width: 64, height: 64 }, 'zoom' as never), {
      code: 'INVALID_OPTION',
      field: 'fit',
    });
  });
});

describe('tensorToImage and tensorToRgb8', () => {
  const width = 24;
  const height = 16;
  const tensor: Tensor4 = {
    data: Float32Array.from({ length: 3 * width * height }, (_, i) => ((i * 37) % 101) / 100),
    shape: [1, 3, height, width],
  };

  for (const format of ['png', 'webp'] as const) {
    test(`${format} round-trips a tensor to within 1/255`, async () => {
      const encoded = await tensorToImage(tensor, format);
      assert.equal((await inspectImage(encoded)).format, format);
      const decoded = await imageToTensor(encoded, { width, height }, 'fill');
      let worst = 0;
      for (let i = 0; i < tensor.data.length; i++)
        worst = Math.max(worst, Math.abs(decoded.data[i]! - tensor.data[i]!));
      assert.ok(worst <= 1 / 255, `max error ${worst}`);
    });
  }

  test('tensorToRgb8 interleaves HWC, clamps and maps NaN to 0', () => {
    const small: Tensor4 = {
      data: new Float32Array([-1, 0.5, 2, Number.NaN, 1, 0]),
      shape: [1, 3, 1, 2],
    };
    // R plane [-1, 0.5], G plane [2, NaN], B plane [1, 0]
    assert.deepEqual(Array.from(tensorToRgb8(small)), [0, 255, 255, 128, 0, 0]);
  });

  test('tensorToRgb8 rounds every value as Math.round(clamp(v) * 255), at each level boundary', () => {
    // The float32 values on either side of each rounding boundary (k + 0.5) / 255, a few ulps out,
    // and the values where the clamp or NaN decide.
    const values = [Number.NaN, -Infinity, Infinity, -0, -1e-30, 1e-45, 0.5, 1, 1.0000001, 3];
    const bits = new Uint32Array(1);
    const float = new Float32Array(bits.buffer);
    for (let k = 0; k < 256; k++) {
      float[0] = (k + 0.5) / 255;
      const middle = bits[0]!;
      for (let step = -4; step <= 4; step++) {
        bits[0] = middle + step;
        values.push(float[0]);
      }
    }
    while (values.length % 3) values.push(0);
    const expected = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255) || 0;
    const plane = values.length / 3;
    const rgb8 = tensorToRgb8({ data: Float32Array.from(values), shape: [1, 3, 1, plane] });
    for (let i = 0; i < values.length; i++) {
      const [c, p] = [Math.floor(i / plane), i % plane];
      assert.equal(rgb8[3 * p + c], expected(Math.fround(values[i]!)), `value ${values[i]}`);
    }
  });

  test('rejects tensors that are not [1,3,H,W] and unknown formats', async () => {
    assert.throws(() => tensorToRgb8({ data: new Float32Array(8), shape: [1, 2, 2, 2] }), {
      code: 'INVALID_OPTION',
      field: 'tensor',
    });
    assert.throws(() => tensorToRgb8({ data: new Float32Array(11), shape: [1, 3, 2, 2] }), {
      code: 'INVALID_OPTION',
      field: 'tensor',
    });
    await assert.rejects(tensorToImage(tensor, 'jpeg' as never), {
      code: 'INVALID_OPTION',
      field: 'format',
    });
  });
});

describe('animations and contact sheets', () => {
  const colours = ['red', 'green', 'blue', 'yellow', 'white'];
  const frames = (): Promise<Buffer[]> => Promise.all(colours.map((c) => solid(32, 16, c)));

  for (const format of ['webp', 'gif'] as const) {
    test(`animated ${format} of 5 frames has 5 pages, loops forever at the requested fps`, async () => {
      const animation = await encodeAnimation(await frames(), format, { fps: 10 });
      const metadata = await sharp(animation).metadata();
      assert.equal(metadata.format, format);
      assert.equal(metadata.pages, 5);
      assert.equal(metadata.loop, 0);
      assert.deepEqual(metadata.delay, [100, 100, 100, 100, 100]);
      assert.equal(metadata.width, 32);
      assert.equal(metadata.height, 16);
    });
  }

  test('ping-pong plays forward then back without repeating the ends', async () => {
    const animation = await encodeAnimation(await frames(), 'webp', { loop: 'ping-pong' });
    assert.equal((await sharp(animation).metadata()).pages, 8);
  });

  test('rejects no frames, frames of different sizes and bad fps', async () => {
    await assert.rejects(encodeAnimation([], 'gif'), { code: 'INVALID_OPTION', field: 'frames' });
    const mixed = [...(await frames()), await solid(16, 16, 'red')];
    await assert.rejects(encodeAnimation(mixed, 'gif'), {
      code: 'INVALID_OPTION',
      field: 'frames',
      message: /frame 5 is 16x16/,
    });
    await assert.rejects(encodeAnimation(await frames(), 'gif', { fps: 0 }), {
      code: 'INVALID_OPTION',
      field: 'fps',
    });
    await assert.rejects(encodeAnimation([new Uint8Array(0)], 'gif'), { code: 'INVALID_IMAGE' });
  });

  test('contact sheet is a PNG grid of columns x rows thumbnails, row-major', async () => {
    const sheet = await contactSheet(await frames(), { columns: 3, thumbWidth: 40 });
    const metadata = await sharp(sheet).metadata();
    assert.equal(metadata.format, 'png');
    assert.equal(metadata.width, 3 * 40);
    assert.equal(metadata.height, 2 * 20);
    const grid = await imageToTensor(sheet, { width: 120, height: 40 }, 'fill');
    assertColour(pixel(grid, 20, 10), RED, 0.01, 'first thumb');
    assertColour(pixel(grid, 100, 10), BLUE, 0.01, 'third thumb');
    assertColour(pixel(grid, 20, 30), [1, 1, 0], 0.01, 'fourth thumb');
    assertColour(pixel(grid, 100, 30), BLACK, 0, 'empty cell');
    const square = await sharp(await contactSheet(await frames())).metadata();
    assert.deepEqual([square.width, square.height], [3 * 256, 2 * 128]);
  });
});
