// Which arithmetic a model runs in: float32, or int8 where the CPU has fast integer dot products.
import { readFileSync } from 'node:fs';
import { EngineError } from '../errors.ts';
import type { ModelManifest } from './manifest.ts';

import { PRECISIONS, type PrecisionSetting } from '@latent-lab/domain';

export type Precision = Exclude<PrecisionSetting, 'auto'>;
export type { PrecisionSetting };
export const PRECISION_SETTINGS: readonly PrecisionSetting[] = PRECISIONS;

/**
 * Models whose int8 graphs pass the quality gate (packages/engine/test/int8.test.ts: int8 frames
 * >= 40 dB PSNR against float32, round trip within 0.5 dB, on every shared photo at 512x512).
 * `auto` picks int8 only for these; `int8` can still be asked for explicitly for other TAE models.
 */
export const INT8_GATED_MODELS: ReadonlySet<string> = new Set(['taef2']);

/** CPU flags (Linux /proc/cpuinfo names) of fast 8-bit integer dot products. */
const INT8_FLAGS = ['avx512_vnni', 'avx_vnni', 'amx_int8'] as const;

export interface CpuInt8Support {
  /** True when any of the VNNI / AMX flags is present. */
  fast: boolean;
  /** The flags found, e.g. ["avx512_vnni", "avx_vnni"]. */
  flags: string[];
}

/** Linux's /proc/cpuinfo; empty where there is none. */
export function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/** A field of the first processor in /proc/cpuinfo text; '' when absent. */
export function cpuinfoField(cpuinfo: string, name: string): string {
  const first = cpuinfo.split(/\n\s*\n/)[0] ?? '';
  return first.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
}

/** The first processor's flags (x86 `flags`, Arm `Features`). */
export const cpuFlags = (cpuinfo: string): string =>
  cpuinfoField(cpuinfo, 'flags') || cpuinfoField(cpuinfo, 'Features');

/** Reads the first processor's flags from /proc/cpuinfo (or the text given); none found: not fast. */
export function cpuInt8Support(cpuinfo: string = readCpuinfo()): CpuInt8Support {
  const present = new Set(cpuFlags(cpuinfo).split(/\s+/));
  const flags = INT8_FLAGS.filter((flag) => present.has(flag));
  return { fast: flags.length > 0, flags };
}

export interface PrecisionChoice {
  precision: Precision;
  /** Why, in words (printed by the benchmark and recorded by the CLI). */
  reason: string;
}

export function validatePrecision(setting: string): PrecisionSetting {
  if (!(PRECISION_SETTINGS as readonly string[]).includes(setting))
    throw new EngineError(
      'INVALID_OPTION',
      `precision must be one of ${PRECISION_SETTINGS.join(', ')} (got "${setting}")`,
      'precision',
    );
  return setting as PrecisionSetting;
}

/**
 * Resolves `auto` for a model: fp32, or int8 as a candidate that `loadVae` times against fp32 on
 * this CPU; `int8` is refused for models without int8 graphs.
 */
export function choosePrecision(
  setting: PrecisionSetting,
  manifest: ModelManifest,
  cpu: CpuInt8Support = cpuInt8Support(),
): PrecisionChoice {
  validatePrecision(setting);
  if (setting === 'int8' && manifest.kind !== 'tae')
    throw new EngineError(
      'INVALID_OPTION',
      `${manifest.id}: int8 is available for TAE models only (this is an ${manifest.kind} model)`,
      'precision',
    );
  if (setting !== 'auto') return { precision: setting, reason: `${setting} requested` };
  if (manifest.kind !== 'tae')
    return { precision: 'fp32', reason: `auto: ${manifest.id} has no int8 graphs` };
  if (!INT8_GATED_MODELS.has(manifest.id))
    return {
      precision: 'fp32',
      reason: `auto: ${manifest.id} has not passed the int8 quality gate`,
    };
  // A candidate: loadVae times it against fp32 on this CPU. Without VNNI/AMX int8 can still win
  // (an AVX2 CPU, 2 threads, 512x512 decode: 839 ms int8, 1006 ms fp32).
  return {
    precision: 'int8',
    reason: cpu.fast
      ? `auto: CPU has ${cpu.flags.join(', ')}; ${manifest.id} passes the int8 quality gate`
      : `auto: ${manifest.id} passes the int8 quality gate; this CPU has no VNNI/AMX int8 dot products (avx512_vnni, avx_vnni, amx_int8)`,
  };
}
