import { EngineError } from '../errors.ts';

export interface FrameSize {
  width: number;
  height: number;
}

/** The VAE downsamples by 8, so frame sides are multiples of 8. */
const SIDE_MULTIPLE = 8;
export const DEFAULT_MAX_SIDE = 2048;

function invalidSize(message: string): EngineError {
  return new EngineError('INVALID_OPTION', message, 'size');
}

/** Both sides integers, multiples of 8, in [8, maxSide]. */
export function validateSize(size: FrameSize, maxSide: number = DEFAULT_MAX_SIDE): void {
  for (const [name, side] of [
    ['width', size.width],
    ['height', size.height],
  ] as const) {
    if (
      !Number.isInteger(side) ||
      side < SIDE_MULTIPLE ||
      side > maxSide ||
      side % SIDE_MULTIPLE !== 0
    ) {
      throw invalidSize(
        `${name} must be a multiple of ${SIDE_MULTIPLE} between ${SIDE_MULTIPLE} and ${maxSide}, got ${side}`,
      );
    }
  }
}

/** "512x384" (width x height) or "512" (square). */
export function parseSize(text: string, maxSide: number = DEFAULT_MAX_SIDE): FrameSize {
  const match = /^\s*(\d+)(?:\s*[xX]\s*(\d+))?\s*$/.exec(text);
  if (match === null) {
    throw invalidSize(`size must look like "512x512" or "512", got "${text}"`);
  }
  const width = Number(match[1]);
  const size = { width, height: match[2] === undefined ? width : Number(match[2]) };
  validateSize(size, maxSide);
  return size;
}
