import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep, seedError, sizeError, stepsError } from './run-rules.ts';

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
