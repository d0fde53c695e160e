import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_RUN_LIMITS,
  DomainError,
  optionRows,
  optionValue,
  RUN_OPTIONS,
  setOptionValue,
  withOptionDefaults,
  type RunOption,
  MAX_SEED,
  checkPage,
  frameKey,
  frameThumbKey,
  imageThumbKey,
  MAX_NOTES_LENGTH,
  parseNewRun,
  parseNotes,
  parseRunParams,
  runFramesFolder,
  thumbnailUrl,
} from '../src/index.ts';

const minimal = { model: 'taef2', keyframes: ['a', 'b'], steps: 10, seed: 1 };

function issuesOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.kind, 'invalid');
    return Object.fromEntries(error.issues.map((issue) => [issue.field, issue.message]));
  }
  assert.fail('expected a DomainError');
}

describe('run parameters', () => {
  test('defaults fill every optional field', () => {
    assert.deepEqual(parseRunParams(minimal, DEFAULT_RUN_LIMITS), {
      ...minimal,
      method: 'lerp',
      easing: 'linear',
      spacing: 'uniform',
      width: 512,
      height: 512,
      fit: 'cover',
      precision: 'auto',
      noise: { level: 0, mode: 'absolute', schedule: 'constant', shared: false },
      animation: { fps: 10, loop: 'loop' },
    });
  });

  test('the schema is the option table: every default, every choice, stored runs completed', () => {
    const parsed = parseRunParams(minimal, DEFAULT_RUN_LIMITS);
    for (const option of RUN_OPTIONS as readonly RunOption[]) {
      if ('default' in option && option.default !== undefined)
        assert.equal(optionValue(parsed, option), option.default, option.path);
      if (option.kind !== 'choice') continue;
      for (const value of option.values) {
        const input = structuredClone(minimal) as Record<string, unknown>;
        setOptionValue(input, option, value);
        assert.equal(optionValue(parseRunParams(input, DEFAULT_RUN_LIMITS), option), value);
      }
      const input = structuredClone(minimal) as Record<string, unknown>;
      setOptionValue(input, option, 'not-a-choice');
      assert.throws(() => parseRunParams(input, DEFAULT_RUN_LIMITS), new RegExp(option.label));
    }
    const { spacing: _spacing, ...older } = parsed;
    assert.deepEqual(
      withOptionDefaults(older),
      parsed,
      'a stored run without spacing reads uniform',
    );
    assert.deepEqual(
      optionRows(parsed).find((row) => row.path === 'noise.shared'),
      { path: 'noise.shared', label: 'noise shared', value: 'no' },
    );
  });

  test('every bad field is reported at once, each by name with its value', () => {
    const issues = issuesOf(() =>
      parseRunParams(
        {
          ...minimal,
          steps: 5000,
          width: 3000,
          height: 12,
          method: 'cubic',
          noise: { level: 1e308 },
        },
        DEFAULT_RUN_LIMITS,
      ),
    );
    assert.deepEqual(Object.keys(issues).sort(), [
      'height',
      'method',
      'noise.level',
      'steps',
      'width',
    ]);
    assert.match(issues['steps']!, /steps must be an integer from 2 to 1000, got 5000/);
    assert.match(issues['width']!, /width must be an integer from 8 to 2048, got 3000/);
    assert.match(issues['height']!, /height must be a multiple of 8, got 12/);
    assert.match(issues['noise.level']!, /noise level must be a number from 0 to 10, got 1e\+308/);
    assert.match(issues['method']!, /method must be one of lerp, slerp, spline, got "cubic"/);
  });

  test('seeds cover 0 to 2^32-1, the CLI range', () => {
    assert.equal(parseRunParams({ ...minimal, seed: MAX_SEED }, DEFAULT_RUN_LIMITS).seed, MAX_SEED);
    assert.equal(parseRunParams({ ...minimal, seed: 2 ** 31 }, DEFAULT_RUN_LIMITS).seed, 2 ** 31);
    assert.match(
      issuesOf(() => parseRunParams({ ...minimal, seed: 2 ** 32 }, DEFAULT_RUN_LIMITS))['seed']!,
      /0 to 4294967295/,
    );
    assert.ok(issuesOf(() => parseRunParams({ ...minimal, seed: -1 }, DEFAULT_RUN_LIMITS))['seed']);
    assert.ok(
      issuesOf(() => parseRunParams({ ...minimal, seed: 1.5 }, DEFAULT_RUN_LIMITS))['seed'],
    );
  });

  test('the configured limits apply', () => {
    const limits = { maxSteps: 20, maxSide: 256, maxNoiseLevel: 2 };
    const issues = issuesOf(() =>
      parseRunParams({ ...minimal, steps: 21, width: 512, noise: { level: 2.5 } }, limits),
    );
    assert.deepEqual(Object.keys(issues).sort(), ['noise.level', 'steps', 'width']);
  });

  test('animation settings: fps 1 to 50, loop or ping-pong', () => {
    const params = parseRunParams(
      { ...minimal, animation: { fps: 24, loop: 'ping-pong' } },
      DEFAULT_RUN_LIMITS,
    );
    assert.deepEqual(params.animation, { fps: 24, loop: 'ping-pong' });
    const issues = issuesOf(() =>
      parseRunParams({ ...minimal, animation: { fps: 0, loop: 'bounce' } }, DEFAULT_RUN_LIMITS),
    );
    assert.deepEqual(Object.keys(issues).sort(), ['animation.fps', 'animation.loop']);
  });

  test('a new run: a name over the limit is refused, not cut; fields lose the params prefix', () => {
    const issues = issuesOf(() =>
      parseNewRun({ name: 'x'.repeat(201), params: { ...minimal, steps: 1 } }, DEFAULT_RUN_LIMITS),
    );
    assert.match(issues['name']!, /name must be 1 to 200 characters, got 201/);
    assert.ok(issues['steps']);
    const run = parseNewRun(
      { name: '  walk  ', tags: ['a', 'a', 'b'], params: minimal },
      DEFAULT_RUN_LIMITS,
    );
    assert.equal(run.name, 'walk');
    assert.deepEqual(run.tags, ['a', 'b']);
  });
});

describe('pages and keys', () => {
  test('first outside 1..max is refused, never clamped', () => {
    for (const first of [0, -1, 101, 1.5]) {
      assert.throws(
        () => checkPage({ first }, 100),
        (error: DomainError) => error.field === 'first',
      );
    }
    assert.deepEqual(checkPage({ first: 100 }, 100), { first: 100, after: null });
  });

  test('frame keys sort by index', () => {
    assert.equal(frameKey('r', 7), 'frames/r/00007.png');
  });

  test("thumbnail keys: a frame's in its run's folder (deleted with it), an image's next to it", () => {
    assert.equal(frameThumbKey('r', 7), 'frames/r/thumbs/00007.webp');
    assert.ok(frameThumbKey('r', 7).startsWith(`${runFramesFolder('r')}/`));
    assert.equal(imageThumbKey('w', 'ab12'), 'images/w/ab12.thumb.webp');
    assert.equal(
      thumbnailUrl({
        thumbnailKey: 'frames/r/thumbs/00000.webp',
        storageKey: 'frames/r/00000.png',
      }),
      '/files/frames/r/thumbs/00000.webp',
    );
    assert.equal(
      thumbnailUrl({ thumbnailKey: null, storageKey: 'frames/r/00000.png' }),
      '/files/frames/r/00000.png',
      'a frame stored before thumbnails existed shows itself',
    );
  });
});

describe('run notes', () => {
  test('trimmed; empty clears; over the limit refused, never cut', () => {
    assert.equal(parseNotes('  **hi**\n'), '**hi**');
    assert.equal(parseNotes(''), '');
    assert.equal(parseNotes(' '.repeat(5000) + 'x'), 'x', 'the limit counts the trimmed text');
    assert.equal(parseNotes('x'.repeat(MAX_NOTES_LENGTH)).length, MAX_NOTES_LENGTH);
    assert.throws(
      () => parseNotes('x'.repeat(MAX_NOTES_LENGTH + 1)),
      (error: DomainError) =>
        error.field === 'notes' && /at most 4000 characters, got 4001/.test(error.message),
    );
    assert.throws(
      () => parseNotes(42),
      (error: DomainError) => error.field === 'notes',
    );
  });
});
