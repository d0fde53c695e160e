import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DbError } from '@latent-lab/db';
import { EngineError } from '@latent-lab/engine';
import { GraphQLError } from 'graphql';
import { ApiError, badInput, formatApiError, toApiError } from '../src/graphql/errors.ts';

test('engine and database errors map to API codes with the field', () => {
  const invalid = toApiError(
    new EngineError('INVALID_OPTION', 'steps must be an integer from 2 to 1000', 'steps'),
  );
  assert.deepEqual(invalid?.extensions, { code: 'BAD_USER_INPUT', field: 'steps' });
  assert.deepEqual(toApiError(new EngineError('UNKNOWN_MODEL', 'unknown model "x"'))?.extensions, {
    code: 'BAD_USER_INPUT',
    field: 'model',
  });
  assert.equal(
    toApiError(new DbError('IMAGE_IN_USE', 'in use', { field: 'id' }))?.extensions.code,
    'CONFLICT',
  );
  assert.equal(toApiError(new DbError('BUILTIN_PRESET', 'built in'))?.extensions.code, 'FORBIDDEN');
  const cursor = toApiError(new DbError('INVALID_CURSOR', 'not a cursor', { field: 'after' }));
  assert.equal(cursor?.extensions.code, 'BAD_USER_INPUT');
  assert.match(cursor!.message, /after/);
  assert.equal(toApiError(new Error('boom')), undefined);
});

test('badInput always names the field in its message', () => {
  assert.equal(
    badInput('imageIds', 'a run needs 2 images').message,
    'imageIds: a run needs 2 images',
  );
  assert.equal(badInput('steps', 'steps must be >= 2').message, 'steps must be >= 2');
});

test('unexpected errors reach the client without internals and are reported', () => {
  const reported: unknown[] = [];
  const secret = new Error('connection to 10.0.0.5 refused');
  const wrapped = new GraphQLError(secret.message, { originalError: secret, path: ['runs'] });
  const formatted = formatApiError(wrapped.toJSON(), wrapped, (error) => reported.push(error));
  assert.deepEqual(formatted.extensions, { code: 'INTERNAL_SERVER_ERROR' });
  assert.equal(formatted.message, 'internal server error');
  assert.deepEqual(reported, [secret]);

  const known = new ApiError('NOT_FOUND', 'run x not found', 'id');
  assert.equal(
    formatApiError(known.toJSON(), known, () => assert.fail('not unexpected')).message,
    'run x not found',
  );
});
