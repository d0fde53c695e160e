import sharp from 'sharp';
import type { FitEnum, OutputInfo } from 'sharp';
import { EngineError } from '../errors.ts';
import type { FitMode, FrameFormat, Tensor4 } from '../types.ts';
import {
  DEFAULT_IMAGE_LIMITS,
  corruptImage,
  decodeOptions,
  readHeader,
  type ImageLimits,
} from './inspect.ts';
import { validateSize, type FrameSize } from './size.ts';

/** Transparent pixels become white (what a viewer shows behind a transparent upload). */
export const ALPHA_BACKGROUND = { r: 255, g: 255, b: 255 };
/** `contain` letterboxes with black bars. */
export const PAD_COLOUR = { r: 0, g: 0, b: 0, alpha: 1 };

const FITS: Record<FitMode, keyof FitEnum> = {
  cover: 'cover',
  contain: 'contain',
  fill: 'fill',
};

/**
 * Decodes an image into an RGB [0,1] NCHW float32 tensor of exactly `size`: EXIF orientation applied,
 * alpha flattened onto white, grayscale expanded to RGB, colour converted to sRGB. Fit: cover = scale to
 * fill then centre-crop (default), contain = scale to fit then pad with black, fill = stretch.
 */
export async function imageToTensor(
  bytes: Uint8Array,
  size: FrameSize,
  fit: FitMode = 'cover',
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<Tensor4> {
  validateSize(size);
  if (!Object.hasOwn(FITS, fit)) {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown fit "${fit}" (expected cover, contain or fill)`,
      'fit',
    );
  }
  await readHeader(bytes, limits);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, decodeOptions(limits))
      .rotate()
      .flatten({ background: ALPHA_BACKGROUND })
      .resize(size.width, size.height, {
        fit: FITS[fit],
        position: 'centre',
        background: PAD_COLOUR,
      })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw corruptImage(error);
  }
  const { width, height, channels } = raw.info;
  if (channels !== 3 || width !== size.width || height !== size.height) {
    throw new EngineError(
      'INVALID_IMAGE',
      `decoder returned ${width}x${height} with ${channels} channels, expected ${size.width}x${size.height} RGB`,
    );
  }
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    data[p] = raw.data[3 * p]! / 255;
    data[plane + p] = raw.data[3 * p + 1]! / 255;
    data[2 * plane + p] = raw.data[3 * p + 2]! / 255;
  }
  return { data, shape: [1, 3, height, width] };
}

function checkRgbTensor(rgb: Tensor4): { width: number; height: number } {
  const [n, c, height, width] = rgb.shape;
  if (n !== 1 || c !== 3 || !(height > 0 && width > 0) || rgb.data.length !== 3 * height * width) {
    throw new EngineError(
      'INVALID_OPTION',
      `expected an RGB tensor of shape [1, 3, H, W] with 3*H*W values, got shape [${rgb.shape.join(', ')}] with ${rgb.data.length}`,
      'tensor',
    );
  }
  return { width, height };
}

/** HWC interleaved 8-bit RGB: values clamped to [0,1] (NaN to 0) and rounded to the nearest of 256 levels. */
export function tensorToRgb8(rgb: Tensor4): Uint8Array {
  const { width, height } = checkRgbTensor(rgb);
  const plane = width * height;
  const out = new Uint8Array(3 * plane);
  // A clamped view does the clamp and the rounding (NaN to 0) in the store, three times faster than
  // Math.round(Math.min(...)). Its ties go to even, but float32 times 255 is exact in a double
  // and only 0.5 lands on a tie (127.5 -> 128, as Math.round), so the bytes are the same.
  const clamped = new Uint8ClampedArray(out.buffer);
  const r = rgb.data.subarray(0, plane);
  const g = rgb.data.subarray(plane, 2 * plane);
  const b = rgb.data.subarray(2 * plane);
  for (let p = 0, o = 0; p < plane; p++, o += 3) {
    clamped[o] = r[p]! * 255;
    clamped[o + 1] = g[p]! * 255;
    clamped[o + 2] = b[p]! * 255;
  }
  return out;
}

/** Encodes 8-bit RGB pixels (HWC, as `tensorToRgb8` gives them) as PNG or lossless WebP. */
export async function rgb8ToImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  format: FrameFormat,
): Promise<Buffer> {
  if (format !== 'png' && format !== 'webp') {
    throw new EngineError(
      'INVALID_OPTION',
      `unknown frame format "${format}" (expected png or webp)`,
      'format',
    );
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.webp({ lossless: true }).toBuffer();
}

/** Encodes an RGB tensor as PNG or lossless WebP (frames are exact; metrics on them see no codec error). */
export async function tensorToImage(rgb: Tensor4, format: FrameFormat): Promise<Buffer> {
  const { width, height } = checkRgbTensor(rgb);
  return rgb8ToImage(tensorToRgb8(rgb), width, height, format);
}
