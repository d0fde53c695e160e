// Run downloads built in the browser from the frames' URLs: the server stores PNG frames only.
import { zipSync } from 'fflate';
import { GIFEncoder, applyPalette, quantize } from 'gifenc';
import { muxAnimatedWebp } from './animated-webp.ts';

export interface DownloadFrame {
  readonly index: number;
  readonly url: string;
}

export interface AnimationOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function frameFileName(index: number, total: number): string {
  return `frame-${String(index).padStart(Math.max(4, String(total).length), '0')}.png`;
}

/** The PNG frames as they are stored, in a zip (stored, not deflated: PNG is already compressed). */
export async function framesZip(frames: readonly DownloadFrame[]): Promise<Blob> {
  const entries: Record<string, Uint8Array> = {};
  for (const frame of frames)
    entries[frameFileName(frame.index, frames.length)] = await fetchBytes(frame.url);
  const zip = zipSync(entries, { level: 0 });
  return new Blob([zip.slice().buffer], { type: 'application/zip' });
}

async function drawFrame(url: string, width: number, height: number): Promise<OffscreenCanvas> {
  const bitmap = await createImageBitmap(new Blob([(await fetchBytes(url)).slice().buffer]));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser has no 2D canvas to encode animations');
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return canvas;
}

const frameDelayMs = (fps: number): number => Math.max(10, Math.round(1000 / fps));

/** An endlessly looping GIF (256 colours per frame). */
export async function framesGif(
  frames: readonly DownloadFrame[],
  options: AnimationOptions,
): Promise<Blob> {
  const { width, height } = options;
  const gif = GIFEncoder();
  for (const frame of frames) {
    const canvas = await drawFrame(frame.url, width, height);
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), width, height, {
      palette,
      delay: frameDelayMs(options.fps),
      repeat: 0,
    });
  }
  gif.finish();
  return new Blob([gif.bytes().slice().buffer], { type: 'image/gif' });
}

/** An endlessly looping animated WebP (each frame encoded by the browser at quality 0.9). */
export async function framesWebp(
  frames: readonly DownloadFrame[],
  options: AnimationOptions,
): Promise<Blob> {
  const stills: Uint8Array[] = [];
  for (const frame of frames) {
    const canvas = await drawFrame(frame.url, options.width, options.height);
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.9 });
    if (blob.type !== 'image/webp') throw new Error('this browser cannot encode WebP images');
    stills.push(new Uint8Array(await blob.arrayBuffer()));
  }
  const webp = muxAnimatedWebp(stills, { ...options, frameDurationMs: frameDelayMs(options.fps) });
  return new Blob([webp.slice().buffer], { type: 'image/webp' });
}

/** Hands a blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
