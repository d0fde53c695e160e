import { EngineError } from '../errors.ts';
import {
  BYTES_PER_ELEMENT,
  decodeLittleEndian,
  elementCount,
  type StoredDtype,
  type TensorMap,
} from './tensors.ts';

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function isDtype(value: string): value is StoredDtype {
  return value in BYTES_PER_ELEMENT;
}

function invalid(source: string, problem: string): EngineError {
  return new EngineError(
    'INVALID_CHECKPOINT',
    `${source}: not a valid .safetensors file: ${problem}`,
  );
}

function isHeaderEntry(value: unknown): value is HeaderEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  const offsets = entry.data_offsets;
  return (
    typeof entry.dtype === 'string' &&
    Array.isArray(entry.shape) &&
    entry.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) &&
    Array.isArray(offsets) &&
    offsets.length === 2 &&
    offsets.every((o) => Number.isInteger(o) && (o as number) >= 0)
  );
}

/** Reads a .safetensors file: 8-byte little-endian header length, JSON header, raw tensor bytes. */
export function readSafetensors(bytes: Uint8Array, source = 'safetensors'): TensorMap {
  if (bytes.byteLength < 8) throw invalid(source, 'shorter than its 8-byte header length');
  const headerLength = Number(
    new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true),
  );
  if (8 + headerLength > bytes.byteLength)
    throw invalid(source, `header length ${headerLength} exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw invalid(source, `header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw invalid(source, 'header is not a JSON object');
  }
  const body = bytes.subarray(8 + headerLength);
  const tensors: TensorMap = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isHeaderEntry(entry))
      throw invalid(source, `tensor "${name}" has a malformed header entry`);
    if (!isDtype(entry.dtype)) {
      throw invalid(
        source,
        `tensor "${name}" has dtype ${entry.dtype}; supported: ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`,
      );
    }
    const [begin, end] = entry.data_offsets;
    const count = elementCount(entry.shape);
    if (end > body.byteLength || end - begin !== count * BYTES_PER_ELEMENT[entry.dtype]) {
      throw invalid(
        source,
        `tensor "${name}" has data offsets [${begin}, ${end}] that do not fit its shape or the file`,
      );
    }
    tensors.set(name, {
      shape: [...entry.shape],
      data: decodeLittleEndian(body.subarray(begin, end), entry.dtype, count, `${source}: ${name}`),
    });
  }
  return tensors;
}
