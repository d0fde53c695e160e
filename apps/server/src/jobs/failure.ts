// What a failed run says to the people who look at it: a sentence about the run, never a storage
// key, a file path or a library's own message. The full error goes to the server log.
import { EngineError } from '@latent-lab/engine';

/** A stored file that a render reads is gone: a keyframe's upload, or the frame a resume starts after. */
export class StoredFileMissing extends Error {
  override readonly name = 'StoredFileMissing';

  constructor(
    readonly what: 'keyframe' | 'frame',
    message: string,
  ) {
    super(message);
  }
}

/** Absolute paths (POSIX or Windows) in a message, which name the server's folders. */
const PATH = /(?:[A-Za-z]:)?[\\/][^\s'"`,;:]+/g;

/** The run's failure as stored and shown: plain words for the cases a person can act on. */
export function runFailureMessage(error: unknown, run: { model: string }): string {
  if (error instanceof StoredFileMissing) {
    return error.what === 'keyframe'
      ? 'An input image of this run is missing from storage, so its frames could not be rendered. Upload the image again and start a new run.'
      : 'A frame this run had already rendered is missing from storage, so the run could not continue. Start it again.';
  }
  if (error instanceof EngineError) {
    // The run's own input or options: the engine's message says what is wrong with them.
    if (error.kind === 'invalid') return error.message.replace(PATH, '(file)');
    return `The weights of model "${run.model}" are not available on this server, so the run could not start. An administrator can install them (latent-lab models fetch ${run.model}).`;
  }
  return 'The render stopped because of an error on the server. The server log has the details.';
}

/** A queued run whose creator lost the right to create runs in its workspace before it started. */
export const CREATOR_NOT_ALLOWED_MESSAGE =
  'This run was not started: the person who created it is no longer a member of the workspace, or can no longer create runs in it. Someone who can may start it again.';
