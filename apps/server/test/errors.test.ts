import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DbError } from '@latent-lab/db';
import {
  DomainError,
  forbidden,
  invalidInput,
  notAMember,
  parseRunParams,
  DEFAULT_RUN_LIMITS,
} from '@latent-lab/domain';
import { EngineError } from '@latent-lab/engine';
import { GraphQLError } from 'graphql';
import { HTTP_STATUSES } from '../src/error-codes.ts';
import { formatApiError, toGraphQLError } from '../src/graphql/errors.ts';

test('a FORBIDDEN for a workspace the caller is not in carries reason NOT_A_MEMBER; a role refusal none', () => {
  assert.deepEqual(toGraphQLError(notAMember('you belong to no workspace')).extensions, {
    code: 'FORBIDDEN',
    reason: 'NOT_A_MEMBER',
  });
  assert.deepEqual(toGraphQLError(forbidden('needs ADMIN')).extensions, { code: 'FORBIDDEN' });
});

test('engine, data and domain errors map to API codes with the field', () => {
  const invalid = toGraphQLError(
    new EngineError('INVALID_OPTION', 'steps must be an integer from 2 to 1000', 'steps'),
  );
  assert.deepEqual(invalid.extensions, { code: 'BAD_USER_INPUT', field: 'steps' });
  assert.deepEqual(
    toGraphQLError(new EngineError('UNKNOWN_MODEL', 'unknown model "x"')).extensions,
    {
      code: 'BAD_USER_INPUT',
      field: 'model',
    },
  );
  const inUse = new DbError('IMAGE_IN_USE', 'in use', { field: 'id' });
  assert.equal(toGraphQLError(inUse).extensions.code, 'CONFLICT');
  assert.equal(HTTP_STATUSES[inUse.kind], 409);
  assert.equal(
    toGraphQLError(new DbError('BUILTIN_PRESET', 'built in')).extensions.code,
    'FORBIDDEN',
  );
  const cursor = toGraphQLError(new DbError('INVALID_CURSOR', 'not a cursor', { field: 'after' }));
  assert.equal(cursor.extensions.code, 'BAD_USER_INPUT');
  assert.match(cursor.message, /after/);
});

test('messages name the field as the API spells it; several bad fields are all listed', () => {
  assert.equal(
    toGraphQLError(invalidInput('keyframes', 'a run needs 2 images')).message,
    'imageIds: a run needs 2 images',
  );
  let error: DomainError | undefined;
  try {
    parseRunParams(
      { model: 'taef2', keyframes: ['a'], steps: 5000, seed: 1, width: 3000 },
      DEFAULT_RUN_LIMITS,
    );
  } catch (caught) {
    error = caught as DomainError;
  }
  const extensions = toGraphQLError(error!).extensions as {
    field: string;
    issues: { field: string; message: string }[];
  };
  assert.equal(extensions.field, 'imageIds');
  assert.deepEqual(
    extensions.issues.map((issue) => issue.field),
    ['imageIds', 'steps', 'width'],
  );
});

test('unexpected errors reach the client without internals and are reported', () => {
  const reported: unknown[] = [];
  const secret = new Error('connection to 10.0.0.5 refused');
  const wrapped = new GraphQLError(secret.message, { originalError: secret, path: ['runs'] });
  const formatted = formatApiError(wrapped.toJSON(), wrapped, (error) => reported.push(error));
  assert.deepEqual(formatted.extensions, { code: 'INTERNAL_SERVER_ERROR' });
  assert.equal(formatted.message, 'internal server error');
  assert.deepEqual(reported, [secret]);

  const known = new DbError('NOT_FOUND', 'run x not found', { field: 'id' });
  const asGraphQL = new GraphQLError(known.message, { originalError: known });
  assert.equal(
    formatApiError(asGraphQL.toJSON(), asGraphQL, () => assert.fail('not unexpected')).message,
    'run x not found',
  );
});
