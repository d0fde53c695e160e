// Rows to domain records: the only place that knows both shapes. Text columns hold the domain's
// option strings (CHECK constraints keep them to its lists), so they are narrowed, not converted.
import type {
  FrameRecord,
  ImageRecord,
  NoisePresetRecord,
  RunParams,
  RunRecord,
} from '@latent-lab/domain';
import type { Frame, Image, NoisePreset, Run } from './generated/client.ts';

export function toImageRecord(row: Image): ImageRecord {
  return row;
}

export function toPresetRecord(row: NoisePreset): NoisePresetRecord {
  return {
    ...row,
    mode: row.mode as NoisePresetRecord['mode'],
    schedule: row.schedule as NoisePresetRecord['schedule'],
  };
}

export function toFrameRecord(row: Frame): FrameRecord {
  const { id: _id, ...frame } = row;
  return frame;
}

/** keyframeIds: the run's images in path order. */
export function toRunRecord(row: Run, keyframeIds: string[]): RunRecord {
  const params: RunParams = {
    model: row.model,
    keyframes: keyframeIds,
    steps: row.steps,
    method: row.method as RunParams['method'],
    easing: row.easing as RunParams['easing'],
    width: row.width,
    height: row.height,
    fit: row.fit as RunParams['fit'],
    precision: row.precision as RunParams['precision'],
    noise: {
      level: row.noiseLevel,
      mode: row.noiseMode as RunParams['noise']['mode'],
      schedule: row.noiseSchedule as RunParams['noise']['schedule'],
      shared: row.noiseShared,
    },
    seed: Number(row.seed),
    animation: { fps: row.fps, loop: row.loop as RunParams['animation']['loop'] },
  };
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    createdById: row.createdById,
    name: row.name,
    status: row.status,
    params,
    presetId: row.presetId,
    tags: row.tags,
    notes: row.notes,
    error: row.error,
    framesDone: row.framesDone,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    encodeMs: row.encodeMs,
    totalMs: row.totalMs,
  };
}
