import { registerEnumType } from 'type-graphql';

// GraphQL enum names are upper case; their values are the engine's and the database's strings.

export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
}

export enum InterpolationMethod {
  LERP = 'lerp',
  SLERP = 'slerp',
}

export enum Easing {
  LINEAR = 'linear',
  EASE_IN = 'ease-in',
  EASE_OUT = 'ease-out',
  EASE_IN_OUT = 'ease-in-out',
  SMOOTHSTEP = 'smoothstep',
}

export enum FitMode {
  COVER = 'cover',
  CONTAIN = 'contain',
  FILL = 'fill',
}

export enum NoiseMode {
  ABSOLUTE = 'absolute',
  RELATIVE = 'relative',
}

export enum NoiseSchedule {
  CONSTANT = 'constant',
  RAMP_UP = 'ramp-up',
  RAMP_DOWN = 'ramp-down',
  BELL = 'bell',
}

export enum RunSortField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

export enum RunEventKind {
  FRAME = 'FRAME',
  STATUS = 'STATUS',
}

export enum RunUpdateKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
}

// Each enum is registered under its TypeScript name.
const ENUMS = {
  RunStatus,
  InterpolationMethod,
  Easing,
  FitMode,
  NoiseMode,
  NoiseSchedule,
  RunSortField,
  SortDirection,
  RunEventKind,
  RunUpdateKind,
};
const DESCRIPTIONS: Partial<Record<keyof typeof ENUMS, string>> = {
  NoiseMode: 'ABSOLUTE: latent units; RELATIVE: a multiple of the latent standard deviation',
  RunEventKind: 'FRAME: a frame was stored; STATUS: the run changed status',
};
for (const [name, values] of Object.entries(ENUMS)) {
  registerEnumType(values, { name, description: DESCRIPTIONS[name as keyof typeof ENUMS] });
}
