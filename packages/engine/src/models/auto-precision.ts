// `auto` precision, measured: where int8 is allowed (a gated TAE model with a calibration, on
// any CPU), the int8 and float32 decoders are timed once on this CPU and the faster one is
// used. The result is kept on disk per model weights, CPU, thread count and tile size.
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpuFlags, cpuinfoField, readCpuinfo, type Precision } from './precision.ts';
import type { HalfRunner } from './tiled.ts';

/** Latent side (256x256 frames) of the measurement: tiled decoding costs the same per pixel at every size. */
const PROBE_LATENT_SIDE = 32;
const PROBE_RUNS = 3;

export interface PrecisionMeasurement {
  fp32Ms: number;
  int8Ms: number;
}

export interface MeasureKey {
  model: string;
  decoderSha256: string;
  threads: number;
  tile: number | null;
  /** The int8 decoder's recipe (its float32 layers), whose change changes int8's speed. */
  int8Recipe: string;
}

/**
 * The CPU as a measurement depends on it: its name, and from /proc/cpuinfo its family, model and
 * a hash of its flags. Virtual machines of different generations all read "AMD EPYC" (one with
 * AVX-512 VNNI, one with AVX2 alone), and a kept measurement must not cross between them.
 */
export function cpuIdentity(cpuinfo: string = readCpuinfo()): string {
  const name = cpuinfoField(cpuinfo, 'model name') || (cpus()[0]?.model ?? 'unknown CPU');
  const flags = cpuFlags(cpuinfo);
  if (!flags) return name;
  const flagsHash = createHash('sha256').update(flags).digest('hex').slice(0, 12);
  return `${name} family ${cpuinfoField(cpuinfo, 'cpu family')} model ${cpuinfoField(cpuinfo, 'model')} flags ${flagsHash}`;
}

function keyOf(key: MeasureKey): string {
  return `${key.model} ${key.decoderSha256.slice(0, 16)} ${cpuIdentity()} ${key.threads}t tile ${key.tile ?? 'none'} int8 ${key.int8Recipe}`;
}

/** Where measurements are kept: one JSON object of `keyOf` -> measurement. */
export const measurementsPath = (dir: string): string => join(dir, 'precision-measurements.json');

async function readMeasurements(dir: string): Promise<Record<string, PrecisionMeasurement>> {
  try {
    return JSON.parse(await readFile(measurementsPath(dir), 'utf8')) as Record<
      string,
      PrecisionMeasurement
    >;
  } catch {
    return {};
  }
}

/** Minimum time of a few decodes of a seeded latent (after a warm-up). */
async function timeDecoder(decoder: HalfRunner, channels: number): Promise<number> {
  const side = PROBE_LATENT_SIDE;
  const latent = {
    data: new Float32Array(channels * side * side).map((_, i) => Math.sin(i * 12.9898) * 1.7),
    shape: [1, channels, side, side],
  };
  await decoder.run(latent);
  let best = Infinity;
  for (let i = 0; i < PROBE_RUNS; i++) {
    const started = performance.now();
    await decoder.run(latent);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * The faster decoder precision on this CPU: from the kept measurement, else measured now with the
 * decoders `build` creates (and kept). Both precisions are timed in turn, in this one process.
 */
export async function measuredPrecision(
  key: MeasureKey,
  dir: string,
  channels: number,
  build: (precision: Precision) => Promise<HalfRunner>,
): Promise<{ precision: Precision; measurement: PrecisionMeasurement; measuredNow: boolean }> {
  const name = keyOf(key);
  const kept = (await readMeasurements(dir))[name];
  let measurement = kept;
  if (!measurement) {
    const times: Partial<Record<Precision, number>> = {};
    for (const precision of ['fp32', 'int8'] as const) {
      const decoder = await build(precision);
      try {
        times[precision] = await timeDecoder(decoder, channels);
      } finally {
        await decoder.release();
      }
    }
    measurement = { fp32Ms: times.fp32!, int8Ms: times.int8! };
    await mkdir(dir, { recursive: true });
    const all = { ...(await readMeasurements(dir)), [name]: measurement };
    const temporary = `${measurementsPath(dir)}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(all, null, 1)}\n`);
    await rename(temporary, measurementsPath(dir));
  }
  return {
    precision: measurement.int8Ms < measurement.fp32Ms ? 'int8' : 'fp32',
    measurement,
    measuredNow: !kept,
  };
}
