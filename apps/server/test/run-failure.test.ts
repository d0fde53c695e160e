// What a failed run stores as its error: plain words, never a storage key, path or library message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '@latent-lab/engine';
import { runFailureMessage, StoredFileMissing } from '../src/jobs/failure.ts';

const KEY = 'images/452abfc3-b373-422c-bcb9-40fdc097ed0b/88431cd9.png';
const RUN = { model: 'taesd' };

test('a missing stored file says which kind and what to do, without its key', () => {
  const keyframe = runFailureMessage(
    new StoredFileMissing('keyframe', `keyframe file ${KEY} is missing from storage`),
    RUN,
  );
  assert.match(keyframe, /input image .* missing from storage.*Upload the image again/);
  assert.ok(!keyframe.includes(KEY));
  assert.match(
    runFailureMessage(new StoredFileMissing('frame', `frame file ${KEY} is missing`), RUN),
    /frame this run had already rendered is missing/,
  );
});

test("the run's own bad input keeps the engine's words, with paths taken out", () => {
  const corrupt = new EngineError(
    'INVALID_IMAGE',
    'image is truncated or corrupt: /srv/files/x.png',
  );
  assert.equal(runFailureMessage(corrupt, RUN), 'image is truncated or corrupt: (file)');
  const steps = new EngineError('INVALID_OPTION', 'steps must be 2 to 1000', 'steps');
  assert.equal(runFailureMessage(steps, RUN), 'steps must be 2 to 1000');
});

test('missing weights name the model, not the folders; anything unexpected says so in general terms', () => {
  const weights = runFailureMessage(
    new EngineError('WEIGHTS_UNAVAILABLE', 'taesd: decoder.onnx not found (looked in /models)'),
    RUN,
  );
  assert.match(weights, /weights of model "taesd" are not available/);
  assert.ok(!weights.includes('/models'));
  const unexpected = runFailureMessage(
    new Error("ENOENT: no such file or directory, open '/tmp/latent/files/frames/a/0.png'"),
    RUN,
  );
  assert.equal(
    unexpected,
    'The render stopped because of an error on the server. The server log has the details.',
  );
});
