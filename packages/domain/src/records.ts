import type { Role } from './access.ts';
import type { NoiseMode, NoiseSchedule } from './options.ts';
import type { RunMetrics } from './run-metrics.ts';
import type { RunParams } from './run-params.ts';
import type { RunStatus } from './run-status.ts';
import type { SweepAxis } from './sweeps.ts';

// What the data layer returns and the services hand to the edges: plain objects, no ORM types.

export interface ImageRecord {
  id: string;
  workspaceId: string;
  /** null once the person who uploaded it is gone. */
  createdById: string | null;
  sha256: string;
  originalName: string;
  mimeType: string;
  width: number;
  height: number;
  byteSize: number;
  storageKey: string;
  /** The small WebP made at upload; null for an image stored before thumbnails existed. */
  thumbnailKey: string | null;
  createdAt: Date;
}

export interface NoisePresetRecord {
  id: string;
  /** null for the built-in presets, which every workspace sees and none can change. */
  workspaceId: string | null;
  createdById: string | null;
  name: string;
  level: number;
  mode: NoiseMode;
  schedule: NoiseSchedule;
  shared: boolean;
  description: string;
  builtIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunRecord {
  id: string;
  workspaceId: string;
  createdById: string | null;
  name: string;
  status: RunStatus;
  /** As validated when the run was created; params.keyframes are image ids. */
  params: RunParams;
  /** The preset the noise came from, if any (the noise itself is a snapshot in params). */
  presetId: string | null;
  tags: string[];
  /** Short Markdown kept with the run ('' when none). */
  notes: string;
  error: string | null;
  framesDone: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  encodeMs: number | null;
  totalMs: number | null;
  /** Quality figures, computed when the run succeeds; null before (and for runs that did not). */
  metrics: RunMetrics | null;
  /** The sweep the run is a cell of; null for a run of its own. */
  sweepId: string | null;
}

/** A grid of runs over up to three options (sweeps.ts); its runs carry their cell's coordinates. */
export interface SweepRecord {
  id: string;
  workspaceId: string;
  createdById: string | null;
  name: string;
  axes: SweepAxis[];
  createdAt: Date;
}

/** One cell of a sweep: the index of its value on each axis, and its run (null once deleted). */
export interface SweepCellRecord {
  coordinates: number[];
  run: RunRecord | null;
}

export interface FrameRecord {
  runId: string;
  index: number;
  alpha: number;
  noiseLevel: number;
  storageKey: string;
  /** The small WebP made when the frame was stored; null for a frame stored before thumbnails existed. */
  thumbnailKey: string | null;
  width: number;
  height: number;
  decodeMs: number;
  /** Mean absolute 8-bit RGB difference from the previous frame / 255; null for frame 0. */
  change: number | null;
  /** Bytes of the stored PNG (counted against the workspace's storage quota). */
  byteSize: number;
  createdAt: Date;
}

/** A keyframe as a render needs it: the content hash (latent cache) and where its bytes are. */
export interface KeyframeRef {
  sha256: string;
  storageKey: string;
}

/** A render job carries the run's parameters as stored: the worker and render thread trust them. */
export interface RenderJob {
  runId: string;
  /** Latents are cached per workspace: one team's uploads are never another's cache hits. */
  workspaceId: string;
  params: RunParams;
  /** params.keyframes resolved to content hashes and storage keys, in path order. */
  keyframes: KeyframeRef[];
}

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface MemberRecord {
  workspaceId: string;
  user: UserRecord;
  role: Role;
  createdAt: Date;
}

export interface InvitationRecord {
  id: string;
  workspaceId: string;
  role: Role;
  createdById: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  createdAt: Date;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  workspaceId: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}
