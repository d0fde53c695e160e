import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { itemAt, nextPosition } from './playback.ts';

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
