import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { EngineError } from '../errors.ts';

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 (Steele, Lea and Flood 2014), the seeding function the xoroshiro authors recommend. */
function splitMix64(state: bigint): { state: bigint; value: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return { state: next, value: z ^ (z >> 31n) };
}

/** The 64-bit word as pure-rand's [high, low] pair of signed 32-bit integers. */
function words(value: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asIntN(32, value))];
}

function checkUint32(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
    throw new EngineError(
      'INVALID_OPTION',
      `${field} must be an integer in [0, 2^32), got ${value}`,
      field,
    );
  }
}

/**
 * Standard normal float32 samples, bit-identical for the same (seed, stream, length) on any machine.
 *
 * - Key: the 64-bit integer seed * 2^32 + stream (seed and stream each an integer in [0, 2^32)).
 * - State: two consecutive SplitMix64 outputs from that key give xoroshiro128+'s s0 and s1
 *   (pure-rand's `xoroshiro128plusFromState([hi(s0), lo(s0), hi(s1), lo(s1)])`). SplitMix64's output
 *   is a bijection of its counter, so the state is never all-zero and distinct keys give distinct states.
 * - Uniforms: pure-rand's `uniformFloat64`: two 32-bit outputs a, b (the low 32 bits of each
 *   xoroshiro128+ step), u = (a & (2^26-1)) * 2^-26 + (b & (2^27-1)) * 2^-53, a multiple of 2^-53 in [0, 1).
 * - Gaussians: Marsaglia's polar method on consecutive uniforms: x = 2 u1 - 1, y = 2 u2 - 1, s = x^2 + y^2,
 *   pairs with s >= 1 or s = 0 are rejected and redrawn; otherwise m = sqrt(-2 ln(s) / s) gives the samples
 *   x m then y m, each rounded to float32. An odd length drops the last y m, so a shorter request is a prefix
 *   of a longer one.
 * - Why bit-identical everywhere: the integer steps and the arithmetic are exact or correctly rounded
 *   under IEEE 754 (JavaScript never fuses multiply-adds), and the only transcendental, Math.log, is
 *   computed by V8's own software port of fdlibm (base::ieee754::log), not by the CPU or the C library.
 *
 * Frame i of a run uses stream i, so a resumed run regenerates frame i without frames 0..i-1.
 */
export function gaussianNoise(seed: number, stream: number, length: number): Float32Array {
  checkUint32(seed, 'noise.seed');
  checkUint32(stream, 'stream');
  if (!Number.isInteger(length) || length < 0) {
    throw new EngineError(
      'INVALID_OPTION',
      `length must be a non-negative integer, got ${length}`,
      'length',
    );
  }
  const first = splitMix64((BigInt(seed) << 32n) | BigInt(stream));
  const second = splitMix64(first.state);
  const rng = xoroshiro128plusFromState([...words(first.value), ...words(second.value)]);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    let x: number;
    let y: number;
    let radiusSquared: number;
    do {
      x = 2 * uniformFloat64(rng) - 1;
      y = 2 * uniformFloat64(rng) - 1;
      radiusSquared = x * x + y * y;
    } while (radiusSquared >= 1 || radiusSquared === 0);
    const scale = Math.sqrt((-2 * Math.log(radiusSquared)) / radiusSquared);
    out[i] = x * scale;
    if (i + 1 < length) out[i + 1] = y * scale;
  }
  return out;
}
