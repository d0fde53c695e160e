// Rows to domain records: the only place that knows both shapes. Text columns hold the domain's
// option strings (CHECK constraints keep them to its lists), so they are narrowed, not converted;
// a run's parameters are one JSON value, validated by the domain's schema when the run was created.
import {
  withOptionDefaults,
  type FrameRecord,
  type NoisePresetRecord,
  type RunMetrics,
  type RunParams,
  type RunRecord,
} from '@latent-lab/domain';
import type { Frame, NoisePreset, Run } from './generated/client.ts';

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
  const stored = row.params as Omit<RunParams, 'model' | 'keyframes'>;
  const params = withOptionDefaults<RunParams>({
    ...stored,
    model: row.model,
    keyframes: keyframeIds,
  });
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
    metrics: runMetrics(row),
    sweepId: row.sweepId,
  };
}

/** The metrics columns are set together when a run succeeds: one null means none were. */
function runMetrics(row: Run): RunMetrics | null {
  const { meanChange, maxChange, changeCv, pathLength, minEndpointPsnr, endpointPsnr } = row;
  if (
    meanChange === null ||
    maxChange === null ||
    changeCv === null ||
    pathLength === null ||
    minEndpointPsnr === null
  )
    return null;
  return { meanChange, maxChange, changeCv, pathLength, minEndpointPsnr, endpointPsnr };
}
