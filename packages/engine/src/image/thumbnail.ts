// Small WebP previews for lists (run history, filmstrip, image library, compare's overview): a few
// kilobytes each instead of a full PNG frame or an uploaded photo.
import sharp, { type Sharp } from 'sharp';
import { corruptImage, decodeOptions, type ImageLimits } from './inspect.ts';

/** Longest side of a thumbnail, in pixels: about twice the 67 px boxes of the history list. */
export const THUMBNAIL_SIDE = 128;
/** Lossy WebP quality of thumbnails (frames themselves stay lossless). */
export const THUMBNAIL_QUALITY = 60;

function toThumbnail(image: Sharp, side: number): Promise<Buffer> {
  return image
    .resize(side, side, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: THUMBNAIL_QUALITY })
    .toBuffer();
}

/** A WebP thumbnail of HWC 8-bit RGB pixels (a decoded frame), at most `side` px on its longer side. */
export function rgb8Thumbnail(
  pixels: Uint8Array,
  width: number,
  height: number,
  side = THUMBNAIL_SIDE,
): Promise<Buffer> {
  return toThumbnail(sharp(pixels, { raw: { width, height, channels: 3 } }), side);
}

/** A WebP thumbnail of an encoded image (an upload): its first page, EXIF orientation applied. */
export async function imageThumbnail(
  bytes: Uint8Array,
  limits: ImageLimits,
  side = THUMBNAIL_SIDE,
): Promise<Buffer> {
  try {
    return await toThumbnail(sharp(bytes, decodeOptions(limits)).rotate(), side);
  } catch (error) {
    throw corruptImage(error);
  }
}
