/**
 * Every failure the engine reports on purpose is an EngineError: a stable code for programs
 * (the CLI prints the message; the API maps codes to GraphQL error codes) and a message a
 * person understands. `field` names the offending option where there is one.
 */
export type EngineErrorCode =
  | 'UNKNOWN_MODEL'
  | 'WEIGHTS_UNAVAILABLE'
  | 'CHECKSUM_MISMATCH'
  | 'UNSAFE_CHECKPOINT'
  | 'INVALID_CHECKPOINT'
  | 'INVALID_MANIFEST'
  | 'INVALID_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'INVALID_OPTION';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
