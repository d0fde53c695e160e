import sharp from 'sharp';
import type { Metadata, SharpOptions } from 'sharp';
import { EngineError } from '../errors.ts';

export interface ImageLimits {
  /** Largest width x height accepted, checked from the header before any pixel is decoded. */
  maxInputPixels: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxInputPixels: 40_000_000 };

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'avif' | 'tiff';

export interface ImageInfo {
  format: ImageFormat;
  mimeType: string;
  /** Dimensions after EXIF orientation (a portrait phone photo reports portrait). */
  width: number;
  height: number;
}

const MIME_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

const UNSUPPORTED = 'not a supported image (PNG, JPEG, WebP, GIF, AVIF or TIFF)';

/** Options for every sharp decode of untrusted bytes: the pixel limit, and corrupt data is an error. */
export function decodeOptions(limits: ImageLimits): SharpOptions {
  return { limitInputPixels: limits.maxInputPixels, failOn: 'error' };
}

/** An image over the pixel limit, with its numbers for a caller that words the message itself. */
export class ImageTooLargeError extends EngineError {
  readonly width: number;
  readonly height: number;
  readonly maxPixels: number;

  constructor(width: number, height: number, maxPixels: number) {
    super(
      'IMAGE_TOO_LARGE',
      `image is ${width}x${height} = ${width * height} pixels, over the pixel limit of ${maxPixels}`,
    );
    this.width = width;
    this.height = height;
    this.maxPixels = maxPixels;
  }
}

/** A decode that failed after the header was accepted: the pixel data is damaged. */
export function corruptImage(cause: unknown): EngineError {
  const detail = cause instanceof Error ? `: ${cause.message.split('\n')[0]}` : '';
  return new EngineError('INVALID_IMAGE', `image is truncated or corrupt${detail}`);
}

/** The format a file's first bytes announce, whatever follows them (AVIF is recognised by sharp only). */
function announcedFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  const ascii = (from: number, text: string) =>
    [...text].every((char, i) => bytes[from + i] === char.charCodeAt(0));
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (ascii(0, 'GIF8')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  return undefined;
}

function formatOf(metadata: Metadata): ImageFormat | undefined {
  // libvips reports AVIF as HEIF with AV1 compression; other HEIF (HEVC) is not supported.
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : undefined;
  return Object.hasOwn(MIME_TYPES, metadata.format) ? (metadata.format as ImageFormat) : undefined;
}

/**
 * Reads only the header: rejects empty and unknown input, and images over the pixel limit before
 * anything is decoded. Used before every decode of untrusted bytes.
 */
export async function readHeader(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<ImageInfo> {
  if (!(Number.isFinite(limits.maxInputPixels) && limits.maxInputPixels > 0)) {
    throw new EngineError(
      'INVALID_OPTION',
      `maxInputPixels must be a positive number, got ${limits.maxInputPixels}`,
      'maxInputPixels',
    );
  }
  if (bytes.length === 0) throw new EngineError('INVALID_IMAGE', 'file is empty');
  let metadata: Metadata;
  try {
    // The header only: no pixel is decoded here, so sharp's own pixel limit is lifted and the
    // configured one below reports the real size.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    // A known signature whose header cannot be read was cut short or damaged, not a wrong format.
    if (announcedFormat(bytes)) throw corruptImage(error);
    throw new EngineError('INVALID_IMAGE', UNSUPPORTED);
  }
  const format = formatOf(metadata);
  if (format === undefined) throw new EngineError('INVALID_IMAGE', UNSUPPORTED);
  if (metadata.width * metadata.height > limits.maxInputPixels)
    throw new ImageTooLargeError(metadata.width, metadata.height, limits.maxInputPixels);
  return {
    format,
    mimeType: MIME_TYPES[format],
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
  };
}

/**
 * Format and oriented size of an uploaded image, after checking it is non-empty, a supported format,
 * within the pixel limit (from the header, before decoding) and fully decodable (not truncated).
 */
export async function inspectImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<ImageInfo> {
  const info = await readHeader(bytes, limits);
  try {
    // stats() streams every pixel through libvips without holding the decoded image.
    await sharp(bytes, decodeOptions(limits)).stats();
  } catch (error) {
    throw corruptImage(error);
  }
  return info;
}
