import { DomainError, type ErrorKind } from '@latent-lab/domain';

const KINDS = {
  UNKNOWN_MODEL: 'invalid',
  WEIGHTS_UNAVAILABLE: 'unavailable',
  CHECKSUM_MISMATCH: 'unavailable',
  UNSAFE_CHECKPOINT: 'unavailable',
  INVALID_CHECKPOINT: 'unavailable',
  INVALID_MANIFEST: 'internal',
  INVALID_IMAGE: 'invalid',
  IMAGE_TOO_LARGE: 'invalid',
  INVALID_OPTION: 'invalid',
} as const satisfies Record<string, ErrorKind>;

export type EngineErrorCode = keyof typeof KINDS;

/**
 * Every failure the engine reports on purpose: a domain error with a stable engine code (the CLI
 * prints the message; the API maps the kind) and a message a person understands. `field` names
 * the offending option where there is one.
 */
export class EngineError extends DomainError {
  override readonly name = 'EngineError';
  declare readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, field?: string) {
    super(KINDS[code], code, message, {
      field: field ?? (code === 'UNKNOWN_MODEL' ? 'model' : undefined),
    });
  }
}
