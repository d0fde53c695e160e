import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describeError, fieldErrors } from '../src/lib/errors.ts';
import { noiseLevels } from '../src/lib/noise-schedule.ts';
import { estimateRemainingMs, formatDuration } from '../src/lib/format.ts';
import { itemAt, nextPosition } from '../src/lib/playback.ts';

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
    assert.equal(estimateRemainingMs(4, 10, 2000), 3000);
    assert.equal(estimateRemainingMs(0, 10, 2000), null);
    assert.equal(estimateRemainingMs(10, 10, 2000), 0);
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
