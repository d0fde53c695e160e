import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describeError, fieldErrors, uploadErrorMessage } from '../src/lib/errors.ts';
import { noiseLevels } from '../src/lib/noise-schedule.ts';
import { estimateRemainingMs, formatDuration } from '../src/lib/format.ts';
import {
  canCreate,
  canEdit,
  canManageMember,
  grantableRoles,
  tokenRoles,
} from '../src/lib/roles.ts';
import { pickWorkspace } from '../src/lib/workspace-store.ts';
import { isPublicPath, isWorkspaceItemPath, safeNext } from '../src/lib/auth-paths.ts';
import { isUnauthenticated, isWorkspaceGone } from '../src/lib/client.ts';

describe('API errors for people', () => {
  test('field errors land on their form field, others on the form, never as JSON', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('steps must be an integer from 2 to 1000 (got 1)', {
          extensions: { code: 'BAD_USER_INPUT', field: 'steps' },
        }),
        new GraphQLError('noise level must be a finite number >= 0, got -1', {
          extensions: { code: 'BAD_USER_INPUT', field: 'noise.level' },
        }),
        new GraphQLError('a run needs at least 2 keyframe images (got 1)', {
          extensions: { field: 'keyframes' },
        }),
        new GraphQLError('database unavailable'),
      ],
    });
    const fields = fieldErrors(error);
    assert.match(fields['steps'] ?? '', /^steps must be/);
    assert.match(fields['noise'] ?? '', /noise level/);
    assert.match(fields['images'] ?? '', /at least 2/);
    assert.equal(fields['form'], 'database unavailable');
    assert.doesNotMatch(describeError(error) ?? '', /[{}[\]]/);
  });

  test('network failures say the server could not be reached', () => {
    const error = new CombinedError({ networkError: new Error('Failed to fetch') });
    assert.equal(describeError(error), 'Could not reach the server: Failed to fetch');
    assert.equal(fieldErrors(error)['form'], 'Could not reach the server: Failed to fetch');
  });
});

describe('errors that change the session', () => {
  const refused = (message: string, extensions: Record<string, string>) =>
    new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });

  test('a workspace is gone by the reason NOT_A_MEMBER, not by a role refusal or the wording', () => {
    const gone = refused('you are not a member of workspace w1', {
      code: 'FORBIDDEN',
      reason: 'NOT_A_MEMBER',
    });
    assert.equal(isWorkspaceGone(gone), true);
    assert.equal(isUnauthenticated(gone), false);
    assert.equal(isWorkspaceGone(refused('needs the ADMIN role', { code: 'FORBIDDEN' })), false);
    assert.equal(
      isWorkspaceGone(refused('you are not a member of workspace w1', { code: 'FORBIDDEN' })),
      false,
    );
    assert.equal(isWorkspaceGone(null), false);
  });
});

describe('noise schedule plot', () => {
  test("follows the engine's schedules across frames", () => {
    const base = { level: 0.5, mode: 'ABSOLUTE', shared: false } as const;
    assert.deepEqual(noiseLevels({ ...base, schedule: 'CONSTANT' }, 3), [0.5, 0.5, 0.5]);
    assert.deepEqual(noiseLevels({ ...base, schedule: 'RAMP_UP' }, 3), [0, 0.25, 0.5]);
    assert.deepEqual(noiseLevels({ ...base, schedule: 'RAMP_DOWN' }, 3), [0.5, 0.25, 0]);
    assert.deepEqual(noiseLevels({ ...base, schedule: 'BELL' }, 3), [0, 0.5, 0]);
  });

  test('is empty while the steps or level cannot make a run', () => {
    assert.deepEqual(
      noiseLevels({ level: 0.5, mode: 'ABSOLUTE', schedule: 'BELL', shared: false }, 1),
      [],
    );
    assert.deepEqual(
      noiseLevels({ level: Number.NaN, mode: 'ABSOLUTE', schedule: 'BELL', shared: false }, 8),
      [],
    );
  });
});

describe('formatting', () => {
  test('durations and the remaining-time estimate', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_300), '12.3 s');
    assert.equal(formatDuration(192_000), '3 min 12 s');
  });

  test("the remaining time comes from measured frame times, not the first frame's model load", () => {
    const frames = (decodeMs: number[]) => decodeMs.map((ms, index) => ({ index, decodeMs: ms }));
    // The first frame took 9 s (model load, keyframe encoding); the others 0.5 s each.
    assert.equal(estimateRemainingMs(frames([9000, 400, 600]), 10), 500 * 7);
    assert.equal(estimateRemainingMs(frames([9000]), 10), null, 'no pace from one frame');
    assert.equal(estimateRemainingMs([], 10), null);
    assert.equal(estimateRemainingMs(frames(Array(10).fill(100)), 10), 0);
    // A resumed run starts at a later index: its first frame there is the slow one.
    const resumed = [5, 6, 7].map((index, i) => ({ index, decodeMs: [8000, 300, 300][i]! }));
    assert.equal(estimateRemainingMs(resumed, 10), 300 * 7);
  });
});

describe('several bad fields in one API error', () => {
  test('each issue lands on its own form field', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('run: steps must be ...; width must be ...', {
          extensions: {
            code: 'BAD_USER_INPUT',
            field: 'steps',
            issues: [
              { field: 'steps', message: 'steps must be an integer from 2 to 1000, got 5000' },
              { field: 'width', message: 'width must be an integer from 8 to 2048, got 3000' },
            ],
          },
        }),
      ],
    });
    const errors = fieldErrors(error);
    assert.match(errors['steps'] ?? '', /got 5000/);
    assert.match(errors['size'] ?? '', /got 3000/);
    assert.equal(errors['form'], undefined);
  });
});

describe('API errors for people, continued', () => {
  test("GraphQL's own coercion errors land on their field as a sentence", () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError(
          'Variable "$input" got invalid value 3000000000 at "input.seed"; Int cannot represent non 32-bit signed integer value: 3000000000',
        ),
      ],
    });
    const fields = fieldErrors(error);
    assert.deepEqual(Object.keys(fields), ['seed']);
    assert.match(fields['seed']!, /^Seed must be a whole number in range \(got 3000000000\)\.$/);
    assert.doesNotMatch(describeError(error)!, /Variable|\$input/);
  });

  test('an upload error names the file once', () => {
    assert.equal(
      uploadErrorMessage('a.png', 'file "a.png": unsupported image format'),
      'file "a.png": unsupported image format',
    );
    assert.equal(uploadErrorMessage('a.png', 'file is empty'), 'a.png: file is empty');
    assert.equal(uploadErrorMessage('a.png', null), 'a.png: upload failed');
  });
});

describe('roles in the dashboard', () => {
  test('viewers create nothing; members edit their own; admins anything', () => {
    assert.equal(canCreate('VIEWER'), false);
    assert.equal(canCreate('MEMBER'), true);
    assert.equal(canCreate(null), false);
    assert.equal(canEdit('MEMBER', 'u1', 'u1'), true);
    assert.equal(canEdit('MEMBER', 'u2', 'u1'), false);
    assert.equal(canEdit('MEMBER', null, 'u1'), false, 'built-ins and older data: admins only');
    assert.equal(canEdit('ADMIN', 'u2', 'u1'), true);
    assert.equal(canEdit('VIEWER', 'u1', 'u1'), false);
  });

  test('owners alone grant or change the owner role; a token is at most your role', () => {
    assert.deepEqual(grantableRoles('OWNER'), ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER']);
    assert.deepEqual(grantableRoles('ADMIN'), ['ADMIN', 'MEMBER', 'VIEWER']);
    assert.deepEqual(grantableRoles('MEMBER'), []);
    assert.equal(canManageMember('ADMIN', 'OWNER'), false);
    assert.equal(canManageMember('ADMIN', 'MEMBER'), true);
    assert.equal(canManageMember('OWNER', 'OWNER'), true);
    assert.deepEqual(tokenRoles('MEMBER'), ['MEMBER', 'VIEWER']);
    assert.deepEqual(tokenRoles('VIEWER'), ['VIEWER']);
  });
});

describe('sessions and workspaces', () => {
  test('the stored workspace is kept while it is still the user’s, else the first', () => {
    const workspaces = [{ id: 'a' }, { id: 'b' }];
    assert.equal(pickWorkspace('b', workspaces), 'b');
    assert.equal(pickWorkspace('gone', workspaces), 'a');
    assert.equal(pickWorkspace(null, workspaces), 'a');
    assert.equal(pickWorkspace('a', []), null);
  });

  test('after sign-in, only a path of this site (not a sign-in page) is followed', () => {
    assert.equal(safeNext('/images?x=1'), '/images?x=1');
    assert.equal(safeNext('//evil.example/'), '/');
    assert.equal(safeNext('/\\evil.example'), '/');
    assert.equal(safeNext('https://evil.example/'), '/');
    assert.equal(safeNext('/sign-in?next=/'), '/');
    assert.equal(safeNext(null), '/');
    assert.equal(isPublicPath('/invite/abc'), true);
    assert.equal(isPublicPath('/members'), false);
    assert.equal(isWorkspaceItemPath('/runs/123'), true);
    assert.equal(isWorkspaceItemPath('/runs/new'), false);
  });
});
