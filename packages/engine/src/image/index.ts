export {
  DEFAULT_IMAGE_LIMITS,
  ImageTooLargeError,
  inspectImage,
  type ImageFormat,
  type ImageInfo,
  type ImageLimits,
} from './inspect.ts';
export { DEFAULT_MAX_SIDE, parseSize, validateSize, type FrameSize } from './size.ts';
export {
  ALPHA_BACKGROUND,
  PAD_COLOUR,
  imageToTensor,
  rgb8ToImage,
  tensorToImage,
  tensorToRgb8,
} from './tensor.ts';
export {
  ANIMATED_WEBP_QUALITY,
  contactSheet,
  encodeAnimation,
  type AnimationOptions,
  type ContactSheetOptions,
} from './animation.ts';
export { frameChange, imageToRgb8 } from './frame-change.ts';
export { THUMBNAIL_QUALITY, THUMBNAIL_SIDE, imageThumbnail, rgb8Thumbnail } from './thumbnail.ts';
