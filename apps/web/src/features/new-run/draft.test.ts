import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formFieldOf } from '../../lib/errors.ts';
import { draftErrors, INITIAL_DRAFT, sweepInput, type Draft } from './draft.ts';
import { parseSweep } from './sweep.ts';

const ready: Draft = { ...INITIAL_DRAFT, model: 'taef2', seed: '7' };
const errorsOf = (change: Partial<Draft>, imageIds = ['a', 'b'], custom = true) =>
  draftErrors({ ...ready, ...change }, imageIds, custom);

describe('new run rules', () => {
  test('a filled-in form has nothing to say', () => {
    assert.deepEqual(errorsOf({}), {});
  });

  test('every field says what is wrong with it, from the domain schema', () => {
    const errors = errorsOf(
      { steps: '5000', width: '3000', height: '256', seed: String(2 ** 32), fps: '500' },
      ['a'],
    );
    assert.match(errors['steps']!, /^Steps must be .*from 2 to 1000/);
    assert.match(errors['size']!, /multiples of 8 from 8 to 2048 \(got 3000\)/);
    assert.match(errors['seed']!, /^Seed must be .*from 0 to 4294967295/);
    assert.match(errors['animation']!, /^Fps must be a number from 1 to 50/);
    assert.match(errors['images']!, /at least 2 images/);
    assert.equal(errorsOf({ width: '256', height: '192' })['size'], undefined);
    assert.equal(errorsOf({ seed: String(2 ** 32 - 1) })['seed'], undefined);
    assert.match(errorsOf({ model: '' })['model']!, /Choose a model/);
  });

  test('text that is no number says so before any range', () => {
    assert.equal(errorsOf({ steps: 'abc' })['steps'], 'Steps must be a whole number.');
    assert.match(errorsOf({ height: '1.5' })['size']!, /whole numbers of pixels/);
    const level = { ...ready.customNoise, level: 'lots' };
    assert.match(errorsOf({ customNoise: level })['noise']!, /Noise level must be a number/);
    assert.equal(errorsOf({ customNoise: level }, ['a', 'b'], false)['noise'], undefined);
  });

  test('a sweep of seeds needs no seed of its own; a tag too long is said at the tags', () => {
    assert.deepEqual(errorsOf({ seed: '', sweepField: 'seed', sweepValues: '1, 2' }), {});
    assert.match(errorsOf({ tags: `ok, ${'x'.repeat(41)}` })['tags']!, /^Tag must be 1 to 40/);
  });

  test('sweeps take 2 to 64 distinct values of one parameter', () => {
    assert.deepEqual(parseSweep('seed', '1, 2, 3'), { values: [1, 2, 3] });
    assert.deepEqual(parseSweep('easing', 'linear, ease-in-out'), {
      values: ['LINEAR', 'EASE_IN_OUT'],
    });
    assert.deepEqual(parseSweep('noise', '0, 0.25'), { values: [0, 0.25] });
    assert.ok('error' in parseSweep('seed', '1'));
    assert.ok('error' in parseSweep('seed', '1, 1'));
    assert.ok('error' in parseSweep('seed', `1, ${2 ** 32}`));
    assert.ok('error' in parseSweep('method', 'slerp, cubic'));
    const seeds = (count: number) => Array.from({ length: count }, (_, i) => i).join(', ');
    assert.equal((parseSweep('seed', seeds(64)) as { values: number[] }).values.length, 64);
    assert.ok('error' in parseSweep('seed', seeds(65)));
    assert.ok('error' in parseSweep('noise', '0, 11'), 'above the largest noise level');
    assert.deepEqual(parseSweep('none', ''), { values: [] });
  });

  test("the form's sweep is one sweep of one axis over the form's run", () => {
    const run = { model: 'taef2', imageIds: ['a', 'b'], steps: 4, presetId: 'p', tags: ['x'] };
    const images = [{ originalName: 'cat.png' }, { originalName: 'dog.jpg' }] as never;
    const sweep = sweepInput(run, 'noise', [0, 0.5], images);
    assert.equal(sweep.name, 'cat to dog');
    assert.deepEqual(sweep.axes, [{ field: 'noise.level', values: [0, 0.5] }]);
    assert.equal(sweep.base.presetId, 'p');
    assert.match(sweep.base.tags!.join(','), /^x,sweep-noise-\w+$/);
    // The API's errors about the sweep land on the form's fields.
    assert.equal(formFieldOf('axes[0].values[1]'), 'sweep');
    assert.equal(formFieldOf('base.steps'), 'steps');
    assert.equal(formFieldOf('base.imageIds'), 'images');
  });
});
