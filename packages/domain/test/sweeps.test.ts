import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RUN_LIMITS, DomainError, parseSweep, sweepCoordinates } from '../src/index.ts';

const base = { params: { model: 'taef2', keyframes: ['a', 'b'], steps: 4, seed: 1 } };

describe('sweeps', () => {
  test('cells are every combination, first axis slowest', () => {
    assert.deepEqual(sweepCoordinates([{ values: ['a', 'b'] }, { values: [1, 2, 3] }]), [
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
  });

  test("each cell's run is the base with the cell's values, named after them", () => {
    const sweep = parseSweep(
      { name: 'grid', base },
      [
        { field: 'noise.level', values: [0, 0.5] },
        { field: 'easing', values: ['linear', 'ease-in'] },
      ],
      DEFAULT_RUN_LIMITS,
    );
    assert.deepEqual(
      sweep.cells.map(({ coordinates, run }) => [
        coordinates,
        run.params.noise.level,
        run.params.easing,
        run.params.steps,
      ]),
      [
        [[0, 0], 0, 'linear', 4],
        [[0, 1], 0, 'ease-in', 4],
        [[1, 0], 0.5, 'linear', 4],
        [[1, 1], 0.5, 'ease-in', 4],
      ],
    );
    assert.equal(sweep.cells[3]!.run.name, 'grid · noise level 0.5 · easing ease-in');
  });

  test('every bad value and base field is reported once, by axis and index', () => {
    try {
      parseSweep(
        { base: { params: { ...base.params, steps: 1 } } },
        [
          { field: 'seed', values: [1, -1] },
          { field: 'method', values: ['lerp', 'zigzag'] },
        ],
        DEFAULT_RUN_LIMITS,
      );
      assert.fail('expected a DomainError');
    } catch (error) {
      assert.ok(error instanceof DomainError);
      assert.deepEqual(error.issues.map((issue) => issue.field).sort(), [
        'axes[0].values[1]',
        'axes[1].values[1]',
        'base.steps',
      ]);
    }
  });

  test('a value repeated on an axis is refused at the repeat, before any run is checked', () => {
    try {
      parseSweep(
        { base },
        [
          { field: 'noise.level', values: [0.5, 0, 0.5] },
          { field: 'easing', values: ['linear', 'linear'] },
        ],
        DEFAULT_RUN_LIMITS,
      );
      assert.fail('expected a DomainError');
    } catch (error) {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, 'INVALID_INPUT');
      assert.deepEqual(
        error.issues.map((issue) => issue.message),
        [
          'axes[0].values[2]: 0.5 is already value 0 of this axis',
          'axes[1].values[1]: "linear" is already value 0 of this axis',
        ],
      );
    }
  });
});
