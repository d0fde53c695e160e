import type {
  Frame as DbFrame,
  Image as DbImage,
  NoisePreset as DbPreset,
  Run as DbRun,
} from '@latent-lab/db';
import type {
  Easing,
  FitMode,
  InterpolationMethod,
  NoiseMode,
  NoiseSchedule,
  RunStatus,
} from '../graphql/enums.ts';
import type { Frame, Image, NoisePreset, Run } from '../graphql/types.ts';
import { downloadUrls } from '../http/artifacts.ts';
import { fileUrl } from '../http/files.ts';

// Database rows to GraphQL objects. Text columns hold the engine's option strings, which are the
// GraphQL enums' internal values, so they pass through unchanged.

export function imageView(image: DbImage): Image {
  return {
    id: image.id,
    sha256: image.sha256,
    originalName: image.originalName,
    mimeType: image.mimeType,
    width: image.width,
    height: image.height,
    byteSize: image.byteSize,
    url: fileUrl(image.storageKey),
    createdAt: image.createdAt,
  };
}

export function presetView(preset: DbPreset): NoisePreset {
  return {
    id: preset.id,
    name: preset.name,
    level: preset.level,
    mode: preset.mode as NoiseMode,
    schedule: preset.schedule as NoiseSchedule,
    shared: preset.shared,
    description: preset.description,
    builtIn: preset.builtIn,
    createdAt: preset.createdAt,
    updatedAt: preset.updatedAt,
  };
}

export function runView(run: DbRun & { keyframes?: { image: DbImage }[] }): Run {
  return {
    id: run.id,
    name: run.name,
    status: run.status as RunStatus,
    model: run.model,
    keyframes: run.keyframes?.map((keyframe) => imageView(keyframe.image)),
    steps: run.steps,
    method: run.method as InterpolationMethod,
    easing: run.easing as Easing,
    width: run.width,
    height: run.height,
    fit: run.fit as FitMode,
    noise: {
      level: run.noiseLevel,
      mode: run.noiseMode as NoiseMode,
      schedule: run.noiseSchedule as NoiseSchedule,
      shared: run.noiseShared,
    },
    presetId: run.presetId,
    seed: run.seed,
    tags: run.tags,
    error: run.error,
    framesDone: run.framesDone,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    encodeMs: run.encodeMs,
    totalMs: run.totalMs,
    downloads: downloadUrls(run.id),
  };
}

export function frameView(frame: DbFrame): Frame {
  return {
    index: frame.index,
    alpha: frame.alpha,
    noiseLevel: frame.noiseLevel,
    url: fileUrl(frame.storageKey),
    width: frame.width,
    height: frame.height,
    decodeMs: frame.decodeMs,
    change: frame.change,
    createdAt: frame.createdAt,
  };
}

/** Storage key of a frame: one per (run, index), so storing it again overwrites the same file. */
export function frameKey(runId: string, index: number): string {
  return `frames/${runId}/${String(index).padStart(5, '0')}.png`;
}

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);
