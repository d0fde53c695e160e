import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describeError, fieldErrors, uploadErrorMessage } from '../src/lib/errors.ts';
import {
  cursorTrail,
  filtersFromParams,
  filtersToQuery,
  hasFilters,
  NO_FILTERS,
  toRunsVariables,
} from '../src/lib/run-filters.ts';
import {
  alphaOfPosition,
  compareQuery,
  compareStateFromParams,
  differenceInto,
  framePositions,
  nearestIndex,
} from '../src/lib/compare.ts';
import { parseSweep, seedError, sizeError, stepsError } from '../src/lib/run-rules.ts';
import { noiseLevels } from '../src/lib/noise-schedule.ts';
import { estimateRemainingMs, formatDuration } from '../src/lib/format.ts';
import { itemAt, nextPosition } from '../src/lib/playback.ts';
import {
  canCreate,
  canEdit,
  canManageMember,
  grantableRoles,
  tokenRoles,
} from '../src/lib/roles.ts';
import { pickWorkspace } from '../src/lib/workspace-store.ts';
import { isPublicPath, isWorkspaceItemPath, safeNext } from '../src/lib/auth-paths.ts';

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

describe('playback', () => {
  test('loop wraps around in either direction', () => {
    assert.deepEqual(nextPosition(1, 3, 1, 'loop'), { position: 2, direction: 1 });
    assert.deepEqual(nextPosition(2, 3, 1, 'loop'), { position: 0, direction: 1 });
    assert.deepEqual(nextPosition(0, 3, -1, 'loop'), { position: 2, direction: -1 });
  });

  test('ping-pong turns at both ends', () => {
    const seen: number[] = [];
    let state = { position: 0, direction: 1 as 1 | -1 };
    for (let i = 0; i < 6; i++) {
      state = nextPosition(state.position, 3, state.direction, 'ping-pong');
      seen.push(state.position);
    }
    assert.deepEqual(seen, [1, 2, 1, 0, 1, 2]);
    assert.deepEqual(nextPosition(0, 1, 1, 'ping-pong'), { position: 0, direction: 1 });
  });

  test('one scrub position picks the same relative frame in runs of different lengths', () => {
    const short = [0, 1, 2, 3, 4];
    const long = Array.from({ length: 9 }, (_, i) => i);
    assert.deepEqual([itemAt(short, 0), itemAt(long, 0)], [0, 0]);
    assert.deepEqual([itemAt(short, 0.5), itemAt(long, 0.5)], [2, 4]);
    assert.deepEqual([itemAt(short, 1), itemAt(long, 1)], [4, 8]);
    assert.equal(itemAt([], 0.5), undefined);
    assert.equal(itemAt(short, 7), 4);
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

describe('runs filters in the URL', () => {
  test('round-trip through the query string, defaults left out', () => {
    const filters = {
      ...NO_FILTERS,
      status: 'CANCELED' as const,
      sort: 'name-asc' as const,
      tag: ' x ',
    };
    const query = filtersToQuery(filters, ['c1', 'c2']);
    assert.equal(query, 'status=canceled&tag=x&sort=name-asc&after=c1&after=c2');
    const params = new URLSearchParams(query);
    assert.deepEqual(filtersFromParams(params), { ...filters, tag: 'x' });
    assert.deepEqual(cursorTrail(params), ['c1', 'c2']);
    assert.equal(filtersToQuery(NO_FILTERS), '');
    assert.equal(hasFilters(NO_FILTERS), false);
    assert.equal(hasFilters({ ...NO_FILTERS, sort: 'oldest' }), false, 'sorting filters nothing');
    assert.equal(hasFilters(filters), true);
  });

  test('unknown values fall back to the defaults; variables follow the filters', () => {
    const params = new URLSearchParams('status=bogus&sort=random&from=yesterday&q=cat');
    assert.deepEqual(filtersFromParams(params), { ...NO_FILTERS, search: 'cat' });
    const variables = toRunsVariables({ ...NO_FILTERS, status: 'FAILED', sort: 'oldest' }, 'c');
    assert.deepEqual(variables.filter?.status, ['FAILED']);
    assert.deepEqual(variables.sort, { field: 'CREATED_AT', direction: 'ASC' });
    assert.equal(variables.after, 'c');
  });
});

describe('comparison player', () => {
  test('runs of different lengths map by alpha, easing included', () => {
    assert.deepEqual(framePositions(3, 'LINEAR'), [0, 0.5, 1]);
    assert.deepEqual(framePositions(3, 'EASE_IN'), [0, 0.25, 1]);
    const short = framePositions(5, 'LINEAR');
    const long = framePositions(9, 'LINEAR');
    const at = (p: number) => alphaOfPosition(p, 9);
    assert.deepEqual(
      [0, 4, 8].map((p) => nearestIndex(short, at(p))),
      [0, 2, 4],
    );
    assert.deepEqual(
      [0, 4, 8].map((p) => nearestIndex(long, at(p))),
      [0, 4, 8],
    );
    // ease-in reaches alpha 0.5 late: the nearest of its 5 frames to alpha 0.5 is frame 3 (0.5625).
    assert.equal(nearestIndex(framePositions(5, 'EASE_IN'), 0.5), 3);
  });

  test('the URL holds runs, frame, view and the A/B pair', () => {
    const state = { runs: ['r1', 'r2', 'r3'], frame: 7, mode: 'wipe' as const, a: 2, b: 0 };
    const query = compareQuery(state);
    assert.equal(query, 'runs=r1,r2,r3&frame=7&view=wipe&a=2&b=0');
    assert.deepEqual(compareStateFromParams(new URLSearchParams(query), 4), state);
    assert.deepEqual(compareStateFromParams(new URLSearchParams('runs=a,b&view=x&frame=-1'), 4), {
      runs: ['a', 'b'],
      frame: 0,
      mode: 'side',
      a: 0,
      b: 1,
    });
  });

  test('the difference image is |A - B| amplified, opaque', () => {
    const a = new Uint8ClampedArray([10, 20, 30, 255, 5, 5, 5, 255]);
    const b = new Uint8ClampedArray([12, 20, 0, 255, 5, 5, 5, 255]);
    const out = new Uint8ClampedArray(8);
    assert.equal(differenceInto(a, b, out, 4), 1);
    assert.deepEqual([...out], [8, 0, 120, 255, 0, 0, 0, 255]);
  });
});

describe('new run rules', () => {
  test('every field says what is wrong with it', () => {
    assert.match(stepsError('5000')!, /from 2 to 1000/);
    assert.equal(stepsError('24'), undefined);
    assert.match(sizeError('3000', '3000')!, /multiples of 8 from 8 to 2048/);
    assert.match(sizeError('100', '256')!, /got 100/);
    assert.equal(sizeError('256', '192'), undefined);
    assert.equal(seedError(String(2 ** 32 - 1)), undefined);
    assert.match(seedError(String(2 ** 32))!, /from 0 to 4294967295/);
  });

  test('sweeps take 2 to 4 distinct values of one parameter', () => {
    assert.deepEqual(parseSweep('seed', '1, 2, 3'), { values: [1, 2, 3] });
    assert.deepEqual(parseSweep('easing', 'linear, ease-in-out'), {
      values: ['LINEAR', 'EASE_IN_OUT'],
    });
    assert.deepEqual(parseSweep('noise', '0, 0.25'), { values: [0, 0.25] });
    assert.ok('error' in parseSweep('seed', '1'));
    assert.ok('error' in parseSweep('seed', '1, 1'));
    assert.ok('error' in parseSweep('method', 'slerp, cubic'));
    assert.ok('error' in parseSweep('noise', '0, 1, 2, 3, 4'));
    assert.deepEqual(parseSweep('none', ''), { values: [] });
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

  test('the creator filter lives in the URL and becomes createdById for "me"', () => {
    const params = new URLSearchParams('by=me');
    const filters = filtersFromParams(params);
    assert.equal(filters.createdBy, 'me');
    assert.equal(filtersToQuery(filters), 'by=me');
    assert.equal(hasFilters(filters), true);
    assert.equal(toRunsVariables(filters, null, 20, 'user-1').filter?.createdById, 'user-1');
    assert.equal(toRunsVariables(NO_FILTERS, null, 20, 'user-1').filter?.createdById, undefined);
    assert.equal(filtersFromParams(new URLSearchParams('by=someone')).createdBy, '');
  });
});
