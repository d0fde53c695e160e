import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoader } from 'nuqs';
import {
  cellIndex,
  cellLabel,
  gridRows,
  metricSeries,
  sweepLink,
  sweepParams,
} from './sweep-grid.ts';

const axes = [
  { field: 'method', values: ['LERP', 'SLERP'] },
  { field: 'noise.level', values: [0, 0.5, 1] },
  { field: 'easing', values: ['LINEAR', 'EASE_IN'] },
];

describe('sweep grid', () => {
  test('cells are indexed first axis slowest, as the API lists them', () => {
    assert.equal(cellIndex(axes, [0, 0, 0]), 0);
    assert.equal(cellIndex(axes, [0, 0, 1]), 1);
    assert.equal(cellIndex(axes, [0, 1, 0]), 2);
    assert.equal(cellIndex(axes, [1, 2, 1]), 11);
  });

  test('rows by the first axis, columns by the second, the third picks the tab', () => {
    assert.deepEqual(gridRows(axes, 1), [
      [1, 3, 5],
      [7, 9, 11],
    ]);
    assert.deepEqual(gridRows(axes.slice(0, 1), 0), [[0, 1]]);
    assert.equal(cellLabel(axes, [1, 1, 0]), 'method slerp, noise level 0.5');
  });

  test('a metric against an axis: one series per combination of the other axes', () => {
    const series = metricSeries(axes.slice(0, 2), 1, (cell) => (cell === 4 ? null : cell / 10));
    assert.deepEqual(series, [
      { label: 'method lerp', values: [0, 0.1, 0.2] },
      { label: 'method slerp', values: [0.3, null, 0.5] },
    ]);
  });

  test("a view's link keeps tab, frame, metric and axis, and leaves defaults out", () => {
    const url = sweepLink({
      kind: 'sweep',
      sweepId: 's1',
      tab: 1,
      frame: 3,
      metric: 'CHANGE_CV',
      by: 0,
    });
    assert.equal(url, '/sweeps/s1?tab=1&frame=3&metric=CHANGE_CV');
    assert.deepEqual(createLoader(sweepParams)(url.slice(url.indexOf('?'))), {
      tab: 1,
      frame: 3,
      metric: 'CHANGE_CV',
      by: 0,
    });
  });
});
