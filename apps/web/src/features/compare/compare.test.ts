import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alphaOfPosition,
  compareHref,
  compareLink,
  comparePair,
  compareUrl,
  loadCompareParams,
  differenceInto,
  framePositions,
  nearestIndex,
  viewOfUrl,
} from './compare.ts';

/** The alphas of a run with linear easing. */
const linear = (steps: number) => framePositions(steps, 'LINEAR');

describe('comparison player', () => {
  test('runs of different lengths map by alpha, easing included', () => {
    assert.deepEqual(linear(3), [0, 0.5, 1]);
    assert.deepEqual(framePositions(3, 'EASE_IN'), [0, 0.25, 1]);
    const short = linear(5);
    const long = linear(9);
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

  test('the URL holds the whole view (runs, frame, mode, A/B pair, wipe, opacity, gain), defaults left out', () => {
    const state = {
      runs: ['r1', 'r2', 'r3'],
      frame: 7,
      view: 'wipe' as const,
      a: 2,
      b: 0,
      wipe: 30,
      opacity: 80,
      gain: 8 as const,
    };
    const url = compareUrl('/compare', state);
    assert.equal(url, '/compare?runs=r1,r2,r3&frame=7&view=wipe&a=2&b=0&wipe=30&opacity=80&gain=8');
    assert.deepEqual(loadCompareParams(url.slice('/compare'.length)), state);
    assert.equal(compareHref(['a', 'b']), '/compare?runs=a,b');
    assert.deepEqual(
      loadCompareParams('?runs=a,b&view=x&frame=-1&a=1.5&wipe=101&opacity=0.5&gain=3'),
      {
        runs: ['a', 'b'],
        frame: 0,
        view: 'side',
        a: 0,
        b: 1,
        wipe: 50,
        opacity: 50,
        gain: 4,
      },
    );
  });

  test('a view and its link make each other: a report restores what the link shows', () => {
    const view = {
      kind: 'compare' as const,
      runIds: ['r1', 'r2'],
      frame: 3,
      mode: 'diff' as const,
      pair: { a: 1, b: 0 },
      wipe: 0.3,
      opacity: 0.5,
      gain: 16 as const,
    };
    const link = compareLink(view);
    assert.equal(link, '/compare?runs=r1,r2&frame=3&view=diff&a=1&b=0&wipe=30&gain=16');
    assert.deepEqual(viewOfUrl(loadCompareParams(link.slice('/compare'.length))), view);
  });

  test('A and B are two different runs in range', () => {
    assert.deepEqual(comparePair(2, 0, 3), { a: 2, b: 0 });
    assert.deepEqual(comparePair(0, 0, 3), { a: 0, b: 1 });
    assert.deepEqual(comparePair(5, 5, 2), { a: 1, b: 0 });
  });

  test('the difference image is |A - B| amplified, opaque', () => {
    const a = new Uint8ClampedArray([10, 20, 30, 255, 5, 5, 5, 255]);
    const b = new Uint8ClampedArray([12, 20, 0, 255, 5, 5, 5, 255]);
    const out = new Uint8ClampedArray(8);
    assert.equal(differenceInto(a, b, out, 4), 1);
    assert.deepEqual([...out], [8, 0, 120, 255, 0, 0, 0, 255]);
  });
});
