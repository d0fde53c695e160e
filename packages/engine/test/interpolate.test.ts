import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EASINGS } from '@latent-lab/domain';
import { EngineError } from '../src/errors.ts';
import { ease, framePositions, interpolatePath, lerp, slerp } from '../src/interpolate/index.ts';
import { assertInvalid } from './fixtures.ts';

function randomVector(length: number, seed: number): Float32Array {
  // A small LCG keeps the fixtures deterministic without depending on the noise module.
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

function norm(v: Float32Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum);
}

const a = randomVector(256, 1);
const b = randomVector(256, 2);
a[0] = -0; // -0 must survive the endpoints bit for bit

describe('easing', () => {
  test('every easing maps 0 to 0 and 1 to 1 exactly and is monotone', () => {
    for (const easing of EASINGS) {
      assert.equal(ease(easing, 0), 0);
      assert.equal(ease(easing, 1), 1);
      let previous = 0;
      for (let i = 1; i <= 100; i++) {
        const value = ease(easing, i / 100);
        assert.ok(value >= previous, `${easing} decreases at ${i / 100}`);
        previous = value;
      }
    }
  });

  test('ease-in-out and smoothstep are point-symmetric; ease-in mirrors ease-out', () => {
    for (let i = 0; i <= 20; i++) {
      const t = i / 20;
      for (const easing of ['ease-in-out', 'smoothstep', 'linear'] as const) {
        assert.ok(
          Math.abs(ease(easing, 1 - t) - (1 - ease(easing, t))) < 1e-12,
          `${easing} at ${t}`,
        );
      }
      assert.ok(Math.abs(ease('ease-out', t) - (1 - ease('ease-in', 1 - t))) < 1e-12);
    }
    assert.equal(ease('ease-in-out', 0.5), 0.5);
    assert.ok(ease('ease-in', 0.25) < 0.25 && ease('ease-out', 0.25) > 0.25);
  });

  test('framePositions starts at exactly 0, ends at exactly 1 and follows linspace', () => {
    for (const easing of EASINGS) {
      const positions = framePositions(7, easing);
      assert.equal(positions.length, 7);
      assert.equal(positions[0], 0);
      assert.equal(positions[6], 1);
    }
    assert.deepEqual(framePositions(5, 'linear'), [0, 0.25, 0.5, 0.75, 1]);
  });

  test('bad steps, easing and t are rejected with the field named', () => {
    assertInvalid(() => framePositions(1, 'linear'), 'steps');
    assertInvalid(() => framePositions(2.5, 'linear'), 'steps');
    assertInvalid(() => framePositions(5, 'bounce' as never), 'easing');
    assertInvalid(() => ease('linear', Number.NaN), 't');
    assertInvalid(() => ease('linear', 1.5), 't');
  });
});

describe('lerp and slerp', () => {
  test('endpoints equal the keyframes bit for bit for every method and easing', () => {
    for (const interpolate of [lerp, slerp]) {
      for (const easing of EASINGS) {
        const positions = framePositions(6, easing);
        const first = interpolate(a, b, positions[0]!);
        const last = interpolate(a, b, positions.at(-1)!);
        assert.deepEqual(new Uint8Array(first.buffer), new Uint8Array(a.buffer));
        assert.deepEqual(new Uint8Array(last.buffer), new Uint8Array(b.buffer));
        assert.notEqual(first, a, 'returns a copy, not the input');
      }
    }
  });

  test('lerp midpoint is the average', () => {
    const mid = lerp(a, b, 0.5);
    for (let i = 0; i < a.length; i++) assert.equal(mid[i], Math.fround((a[i]! + b[i]!) / 2));
  });

  test('slerp keeps the norm of orthogonal unit vectors on the arc', () => {
    const x = new Float32Array([1, 0, 0, 0]);
    const y = new Float32Array([0, 1, 0, 0]);
    for (const t of [0.1, 0.25, 0.5, 0.9]) {
      const v = slerp(x, y, t);
      assert.ok(Math.abs(norm(v) - 1) < 1e-6, `norm ${norm(v)} at ${t}`);
      assert.ok(Math.abs(v[0]! - Math.cos((t * Math.PI) / 2)) < 1e-6);
    }
    assert.ok(norm(lerp(x, y, 0.5)) < 0.75, 'lerp cuts the corner, slerp does not');
  });

  test('slerp falls back to lerp for (nearly) parallel and zero vectors', () => {
    const scaled = a.map((x) => x * 2);
    assert.deepEqual(slerp(a, scaled, 0.3), lerp(a, scaled, 0.3));
    const opposite = a.map((x) => -x);
    assert.deepEqual(slerp(a, opposite, 0.3), lerp(a, opposite, 0.3));
    const zero = new Float32Array(a.length);
    assert.deepEqual(slerp(zero, b, 0.3), lerp(zero, b, 0.3));
  });

  test('mismatched lengths and non-finite t are rejected', () => {
    assertInvalid(() => lerp(a, b.subarray(1), 0.5), 'latents');
    assertInvalid(() => slerp(a, b.subarray(1), 0.5), 'latents');
    assertInvalid(() => lerp(a, b, Number.POSITIVE_INFINITY), 't');
  });
});

describe('interpolatePath', () => {
  const c = randomVector(256, 3);

  test('passes through every keyframe exactly, for any number of frames', () => {
    for (const method of ['lerp', 'slerp'] as const) {
      assert.deepEqual(interpolatePath([a, b, c], 0, method), a);
      assert.deepEqual(interpolatePath([a, b, c], 0.5, method), b);
      assert.deepEqual(interpolatePath([a, b, c], 1, method), c);
      const four = [a, b, c, a];
      for (const [i, position] of framePositions(7, 'linear').entries()) {
        if (i % 2 === 0) assert.deepEqual(interpolatePath(four, position, method), four[i / 2]);
      }
    }
  });

  test('between keyframes it interpolates within the right segment', () => {
    assert.deepEqual(interpolatePath([a, b, c], 0.25, 'lerp'), lerp(a, b, 0.5));
    assert.deepEqual(interpolatePath([a, b, c], 0.75, 'slerp'), slerp(b, c, 0.5));
  });

  test('rejects fewer than 2 keyframes, mixed lengths, bad positions and methods', () => {
    assertInvalid(() => interpolatePath([a], 0.5, 'lerp'), 'keyframes');
    assertInvalid(() => interpolatePath([a, b.subarray(2)], 0.5, 'lerp'), 'keyframes');
    assertInvalid(() => interpolatePath([a, b], -0.1, 'lerp'), 'position');
    assertInvalid(() => interpolatePath([a, b], Number.NaN, 'lerp'), 'position');
    assertInvalid(() => interpolatePath([a, b], 0.5, 'cubic' as never), 'method');
  });
});

describe('spline: centripetal Catmull-Rom through every keyframe', () => {
  const v = (...values: number[]) => Float32Array.from(values);
  const maxDifference = (a: Float32Array, b: Float32Array) =>
    Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

  test('with two keyframes it is lerp', () => {
    const a = v(0.3, -1.2, 2, 0);
    const b = v(-0.7, 0.4, 1, 5);
    for (const position of [0, 0.1, 0.25, 0.5, 0.9, 1]) {
      const spline = interpolatePath([a, b], position, 'spline');
      assert.ok(maxDifference(spline, lerp(a, b, position)) < 1e-5, `at ${position}`);
    }
  });

  test('passes through every keyframe and turns smoothly where lerp turns sharply', () => {
    // A right-angle corner at the middle keyframe, the second leg twice as long.
    const keyframes = [v(0, 0), v(1, 0), v(1, 2)];
    assert.deepEqual(interpolatePath(keyframes, 0.5, 'spline'), keyframes[1]);
    const h = 1e-3;
    const cosineAtCorner = (method: 'lerp' | 'spline') => {
      const at = (p: number) => interpolatePath(keyframes, p, method);
      const left = at(0.5).map((x, i) => x - at(0.5 - h)[i]!);
      const right = at(0.5 + h).map((x, i) => x - at(0.5)[i]!);
      const dot = left[0]! * right[0]! + left[1]! * right[1]!;
      return dot / (Math.hypot(left[0]!, left[1]!) * Math.hypot(right[0]!, right[1]!));
    };
    assert.ok(Math.abs(cosineAtCorner('lerp')) < 1e-3, 'lerp turns by 90 degrees');
    assert.ok(cosineAtCorner('spline') > 0.999, `spline: cos ${cosineAtCorner('spline')}`);
  });

  test('a repeated keyframe holds still instead of dividing by zero', () => {
    const a = v(1, 2);
    const frames = [a, a.slice(), v(3, 4)];
    const mid = interpolatePath(frames, 0.25, 'spline');
    assert.deepEqual(mid, a);
    assert.ok(interpolatePath(frames, 0.75, 'spline').every(Number.isFinite));
  });
});

describe('spacing: uniform or arc-length frame positions', () => {
  const v = (...values: number[]) => Float32Array.from(values);
  const gap = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((x, i) => x - b[i]!));
  const spread = (values: number[]) => Math.max(...values) / Math.min(...values);
  /** The latent distance between consecutive frames, measured along the path (fine steps). */
  function frameDistances(
    keyframes: Float32Array[],
    method: 'lerp' | 'spline',
    spacing: 'uniform' | 'arc-length',
  ): number[] {
    const at = (position: number) => interpolatePath(keyframes, position, method);
    const positions = framePositions(21, 'linear', spacing, { at, segments: keyframes.length - 1 });
    return positions.slice(1).map((end, i) => {
      const start = positions[i]!;
      let length = 0;
      for (let j = 0; j < 200; j++)
        length += gap(
          at(start + ((end - start) * j) / 200),
          at(start + ((end - start) * (j + 1)) / 200),
        );
      return length;
    });
  }
  // Walks past a near keyframe, then a far one: in a line, and around a corner.
  const straight = [v(0, 0), v(0.2, 0), v(5.2, 0)];
  const corner = [v(0, 0), v(0.2, 0), v(0.2, 5)];

  test('uniform is the recipe: linspace through the easing, whatever the path', () => {
    assert.deepEqual(framePositions(5, 'linear', 'uniform'), [0, 0.25, 0.5, 0.75, 1]);
    assert.ok(spread(frameDistances(corner, 'lerp', 'uniform')) > 10, 'slow, then fast');
  });

  test('arc-length: equal latent distance between consecutive frames', () => {
    // On a straight path the frames themselves are equally far apart.
    const at = (position: number) => interpolatePath(straight, position, 'lerp');
    const points = framePositions(21, 'linear', 'arc-length', { at, segments: 2 }).map(at);
    const chords = points.slice(1).map((point, i) => gap(point, points[i]!));
    assert.ok(spread(chords) < 1 + 1e-5, `straight lerp: ${spread(chords)}`);
    assert.deepEqual(points[0], straight[0]);
    assert.deepEqual(points.at(-1), straight[2]);
    for (const method of ['lerp', 'spline'] as const) {
      const distances = frameDistances(corner, method, 'arc-length');
      assert.ok(spread(distances) < 1.01, `${method} around a corner: ${spread(distances)}`);
    }
  });

  test('arc-length needs the path', () => {
    assert.throws(() => framePositions(5, 'linear', 'arc-length'), EngineError);
  });
});
