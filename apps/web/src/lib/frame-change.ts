/** Side of the square the frames are shrunk to before comparing: enough to see motion, cheap to read. */
export const CHANGE_SAMPLE_SIDE = 48;

/** Mean absolute RGB difference of two equally sized RGBA buffers, from 0 (same) to 1 (inverted). */
export function meanAbsoluteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length % 4 !== 0) {
    throw new Error(
      `pixel buffers must be RGBA of equal size, got ${a.length} and ${b.length} bytes`,
    );
  }
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    sum +=
      Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
  }
  return a.length === 0 ? 0 : sum / ((a.length / 4) * 3 * 255);
}

/** Change from each frame to the next: n frames give n-1 values. */
export function consecutiveChanges(frames: readonly ArrayLike<number>[]): number[] {
  return frames.slice(1).map((frame, i) => meanAbsoluteDifference(frames[i]!, frame));
}

/** A frame image's RGBA pixels at side x side (browser only). */
export async function loadPixels(
  url: string,
  side: number = CHANGE_SAMPLE_SIDE,
): Promise<Uint8ClampedArray> {
  const blob = await (await fetch(url)).blob();
  const bitmap = await createImageBitmap(blob, {
    resizeWidth: side,
    resizeHeight: side,
    resizeQuality: 'medium',
  });
  const canvas = new OffscreenCanvas(side, side);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot read image pixels (no 2D canvas)');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, side, side).data;
}
