import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyNoise,
  gaussianNoise,
  noiseLevelAt,
  scheduleWeight,
  validateNoise,
} from '../src/noise/index.ts';
import type { NoiseOptions } from '../src/types.ts';
import { assertInvalid } from './fixtures.ts';

const noise: NoiseOptions = {
  level: 0.5,
  mode: 'absolute',
  schedule: 'constant',
  shared: false,
  seed: 42,
};

function bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function moments(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (const x of values) {
    sum += x;
    squares += x * x;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(squares / values.length - mean * mean) };
}

/** The generator as README "Noise generator" describes it, written from the published algorithms in 64-bit BigInt. */
function referenceNoise(seed: number, stream: number, length: number): number[] {
  const mask = (1n << 64n) - 1n;
  let counter = (BigInt(seed) << 32n) | BigInt(stream);
  const splitMix = (): bigint => {
    counter = (counter + 0x9e3779b97f4a7c15n) & mask;
    let z = counter;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
  let s0 = splitMix();
  let s1 = splitMix();
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (64n - k))) & mask;
  const next32 = (): number => {
    const result = (s0 + s1) & mask;
    s1 ^= s0;
    s0 = rotl(s0, 24n) ^ s1 ^ ((s1 << 16n) & mask);
    s1 = rotl(s1, 37n);
    return Number(result & 0xffffffffn);
  };
  const uniform = (): number =>
    (next32() & (2 ** 26 - 1)) * 2 ** -26 + (next32() & (2 ** 27 - 1)) * 2 ** -53;
  const out: number[] = [];
  while (out.length < length) {
    const x = 2 * uniform() - 1;
    const y = 2 * uniform() - 1;
    const r2 = x * x + y * y;
    if (r2 >= 1 || r2 === 0) continue;
    const m = Math.sqrt((-2 * Math.log(r2)) / r2);
    out.push(Math.fround(x * m), Math.fround(y * m));
  }
  return out.slice(0, length);
}

describe('gaussianNoise', () => {
  test('golden values for seed 42, stream 0 (changing the generator breaks saved runs)', () => {
    assert.deepEqual(
      Array.from(gaussianNoise(42, 0, 6)),
      [
        -0.5038793087005615, 0.43979689478874207, 0.9642655849456787, 0.5894145369529724,
        -0.6435657739639282, -0.7628806233406067,
      ],
    );
  });

  test('matches the documented algorithm (SplitMix64 -> xoroshiro128+ -> 53-bit uniforms -> polar method)', () => {
    for (const [seed, stream] of [
      [42, 0],
      [0, 0],
      [2 ** 32 - 1, 7],
      [123456789, 2 ** 32 - 1],
    ] as const) {
      assert.deepEqual(
        Array.from(gaussianNoise(seed, stream, 33)),
        referenceNoise(seed, stream, 33),
      );
    }
  });

  test('the same seed gives bit-identical numbers; another seed or stream gives others', () => {
    assert.deepEqual(bytes(gaussianNoise(7, 3, 1001)), bytes(gaussianNoise(7, 3, 1001)));
    assert.notDeepEqual(gaussianNoise(7, 3, 64), gaussianNoise(8, 3, 64));
    assert.notDeepEqual(gaussianNoise(7, 3, 64), gaussianNoise(7, 4, 64));
    assert.deepEqual(gaussianNoise(7, 3, 64).subarray(0, 10), gaussianNoise(7, 3, 10));
  });

  test('mean ~0 and std ~1 over 1e6 samples', () => {
    const { mean, std } = moments(gaussianNoise(2024, 0, 1_000_000));
    assert.ok(Math.abs(mean) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.005, `std ${std}`);
  });

  test('rejects seeds and streams outside [0, 2^32) and bad lengths', () => {
    assertInvalid(() => gaussianNoise(-1, 0, 4), 'noise.seed');
    assertInvalid(() => gaussianNoise(2 ** 32, 0, 4), 'noise.seed');
    assertInvalid(() => gaussianNoise(1.5, 0, 4), 'noise.seed');
    assertInvalid(() => gaussianNoise(1, -1, 4), 'stream');
    assertInvalid(() => gaussianNoise(1, 0, -4), 'length');
  });
});

describe('schedules and applyNoise', () => {
  const latent = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) * 3 + 1);
  latent[5] = -0;

  test('frame i noise does not depend on which frames were generated before', () => {
    const steps = 6;
    const forward = Array.from(
      { length: steps },
      (_, i) => applyNoise(latent, noise, i, steps).latent,
    );
    const resumedAt4 = applyNoise(latent, noise, 4, steps).latent;
    const backward = Array.from(
      { length: steps },
      (_, j) => applyNoise(latent, noise, steps - 1 - j, steps).latent,
    ).reverse();
    assert.deepEqual(bytes(resumedAt4), bytes(forward[4]!));
    for (let i = 0; i < steps; i++) assert.deepEqual(bytes(backward[i]!), bytes(forward[i]!));
    assert.notDeepEqual(forward[1], forward[2], 'fresh noise per frame');
  });

  test('shared noise adds the same field to every frame', () => {
    const shared = { ...noise, shared: true };
    const zero = new Float32Array(latent.length);
    const fields = [0, 3, 9].map((i) => applyNoise(zero, shared, i, 10).latent);
    assert.deepEqual(fields[0], fields[1]);
    assert.deepEqual(fields[0], fields[2]);
    assert.deepEqual(
      fields[0],
      gaussianNoise(42, 0, latent.length).map((x) => x * 0.5),
    );
  });

  test('absolute level adds exactly level * N(0,1) and reports the level', () => {
    const { latent: noisy, level } = applyNoise(latent, noise, 2, 5);
    assert.equal(level, 0.5);
    const field = gaussianNoise(42, 2, latent.length);
    for (let i = 0; i < latent.length; i++)
      assert.equal(noisy[i], Math.fround(latent[i]! + 0.5 * field[i]!));
  });

  test('relative mode scales with the latent standard deviation', () => {
    const relative = { ...noise, mode: 'relative' as const, level: 0.1 };
    const small = applyNoise(latent, relative, 1, 3);
    const big = applyNoise(
      latent.map((x) => x * 4),
      relative,
      1,
      3,
    );
    const { std } = moments(latent);
    assert.ok(Math.abs(small.level - 0.1 * std) < 1e-9, `level ${small.level} vs ${0.1 * std}`);
    assert.ok(Math.abs(big.level / small.level - 4) < 1e-9);
  });

  test('level 0 returns the input bit for bit, as does a schedule weight of 0', () => {
    const none = applyNoise(latent, { ...noise, level: 0 }, 1, 3);
    assert.equal(none.level, 0);
    assert.deepEqual(bytes(none.latent), bytes(latent));
    const bellEnd = applyNoise(latent, { ...noise, schedule: 'bell' }, 2, 3);
    assert.equal(bellEnd.level, 0);
    assert.deepEqual(bytes(bellEnd.latent), bytes(latent));
  });

  test('schedules: bell is 0 at both ends and peaks at 1 in the middle; ramps are linear', () => {
    assert.equal(scheduleWeight('bell', 0), 0);
    assert.equal(scheduleWeight('bell', 1), 0);
    assert.equal(scheduleWeight('bell', 0.5), 1);
    const bell = Array.from({ length: 9 }, (_, i) =>
      noiseLevelAt({ ...noise, level: 1, schedule: 'bell' }, i, 9),
    );
    assert.equal(Math.max(...bell), bell[4]);
    assert.equal(scheduleWeight('ramp-up', 0.25), 0.25);
    assert.equal(scheduleWeight('ramp-down', 0.25), 0.75);
    assert.equal(scheduleWeight('constant', 0), 1);
    assert.equal(noiseLevelAt({ ...noise, schedule: 'ramp-up' }, 3, 4), 0.5);
  });

  test('validateNoise rejects NaN, Infinity, negative levels and bad seeds, modes, schedules', () => {
    assert.doesNotThrow(() => validateNoise(noise));
    assertInvalid(() => validateNoise({ ...noise, level: Number.NaN }), 'noise.level');
    assertInvalid(
      () => validateNoise({ ...noise, level: Number.POSITIVE_INFINITY }),
      'noise.level',
    );
    assertInvalid(() => validateNoise({ ...noise, level: -0.1 }), 'noise.level');
    assertInvalid(() => validateNoise({ ...noise, seed: 2 ** 32 }), 'noise.seed');
    assertInvalid(() => validateNoise({ ...noise, seed: 0.5 }), 'noise.seed');
    assertInvalid(() => validateNoise({ ...noise, mode: 'loud' as never }), 'noise.mode');
    assertInvalid(() => validateNoise({ ...noise, schedule: 'saw' as never }), 'noise.schedule');
    assertInvalid(() => applyNoise(latent, noise, 3, 3), 'frameIndex');
    assertInvalid(() => applyNoise(latent, noise, 0, 1), 'steps');
  });
});
