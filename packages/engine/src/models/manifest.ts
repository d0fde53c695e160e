import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';

export interface WeightFile {
  file: string;
  /** null: not pinned yet; such a file is used when present locally but never downloaded. */
  sha256: string | null;
  url: string;
}

export interface OnnxTensorNames {
  input: string;
  output: string;
}

export interface ModelManifest {
  id: string;
  name: string;
  kind: 'tae' | 'onnx-pair';
  latentChannels: number;
  downscale: number;
  encoderInputRange: [number, number];
  decoderOutputRange: [number, number];
  encoderOutput: 'latent' | 'mean-logvar';
  files: { encoder: WeightFile; decoder: WeightFile };
  onnx?: { encoder: OnnxTensorNames; decoder: OnnxTensorNames };
}

export const DEFAULT_MODEL_ID = 'taef2';

type Fields = Record<string, unknown>;

class ManifestChecker {
  private readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  fail(field: string, problem: string): EngineError {
    return new EngineError(
      'INVALID_MANIFEST',
      `${this.source}: field "${field}" ${problem}`,
      field,
    );
  }

  object(value: unknown, field: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.fail(field, 'must be an object');
    return value as Fields;
  }

  string(fields: Fields, key: string, field = key): string {
    const value = fields[key];
    if (typeof value !== 'string' || value.length === 0)
      throw this.fail(field, 'must be a non-empty string');
    return value;
  }

  oneOf<T extends string>(fields: Fields, key: string, allowed: readonly T[]): T {
    const value = fields[key];
    if (!allowed.includes(value as T))
      throw this.fail(key, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return value as T;
  }

  positiveInteger(fields: Fields, key: string): number {
    const value = fields[key];
    if (!Number.isInteger(value) || (value as number) <= 0)
      throw this.fail(key, 'must be a positive integer');
    return value as number;
  }

  range(fields: Fields, key: string): [number, number] {
    const value = fields[key];
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      !value.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
      value[0] >= value[1]
    ) {
      throw this.fail(key, 'must be [low, high] with finite numbers, low < high');
    }
    return [value[0], value[1]];
  }

  weightFile(files: Fields, half: 'encoder' | 'decoder'): WeightFile {
    const field = `files.${half}`;
    const fields = this.object(files[half], field);
    const file = this.string(fields, 'file', `${field}.file`);
    if (file.includes('/') || file.includes('\\') || file.startsWith('.'))
      throw this.fail(`${field}.file`, 'must be a plain file name');
    const sha256 = fields.sha256;
    if (sha256 !== null && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))) {
      throw this.fail(
        `${field}.sha256`,
        'must be 64 lowercase hex digits or null (not pinned yet)',
      );
    }
    const url = this.string(fields, 'url', `${field}.url`);
    if (!/^https?:\/\//.test(url)) throw this.fail(`${field}.url`, 'must be an http(s) URL');
    return { file, sha256, url };
  }

  tensorNames(onnx: Fields, half: 'encoder' | 'decoder'): OnnxTensorNames {
    const fields = this.object(onnx[half], `onnx.${half}`);
    return {
      input: this.string(fields, 'input', `onnx.${half}.input`),
      output: this.string(fields, 'output', `onnx.${half}.output`),
    };
  }
}

/** Checks a parsed manifest; errors are INVALID_MANIFEST naming `source` and the field. */
export function parseManifest(json: unknown, source: string): ModelManifest {
  const check = new ManifestChecker(source);
  const fields = check.object(json, '(root)');
  const kind = check.oneOf(fields, 'kind', ['tae', 'onnx-pair'] as const);
  const files = check.object(fields.files, 'files');
  const manifest: ModelManifest = {
    id: check.string(fields, 'id'),
    name: check.string(fields, 'name'),
    kind,
    latentChannels: check.positiveInteger(fields, 'latentChannels'),
    downscale: check.positiveInteger(fields, 'downscale'),
    encoderInputRange: check.range(fields, 'encoderInputRange'),
    decoderOutputRange: check.range(fields, 'decoderOutputRange'),
    encoderOutput: check.oneOf(fields, 'encoderOutput', ['latent', 'mean-logvar'] as const),
    files: {
      encoder: check.weightFile(files, 'encoder'),
      decoder: check.weightFile(files, 'decoder'),
    },
  };
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(manifest.id))
    throw check.fail('id', 'must be lowercase letters, digits, "-" or "_"');
  if (kind === 'onnx-pair') {
    const onnx = check.object(fields.onnx, 'onnx');
    manifest.onnx = {
      encoder: check.tensorNames(onnx, 'encoder'),
      decoder: check.tensorNames(onnx, 'decoder'),
    };
  } else if (manifest.encoderOutput !== 'latent') {
    throw check.fail('encoderOutput', 'must be "latent" for a tae model');
  }
  return manifest;
}

/** File name suffix of a shipped int8 calibration (`<id>.calibration.json`), not a manifest. */
export const CALIBRATION_SUFFIX = '.calibration.json';

/** Every manifest in `dir` (default: the repository's models/ folder), sorted by id. */
export async function listManifests(dir: string): Promise<ModelManifest[]> {
  // `<id>.calibration.json` beside a manifest is that model's shipped int8 calibration.
  const names = (await readdir(dir))
    .filter((name) => name.endsWith('.json') && !name.endsWith(CALIBRATION_SUFFIX))
    .sort();
  const manifests = await Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        throw new EngineError(
          'INVALID_MANIFEST',
          `${path}: not valid JSON (${(error as Error).message})`,
        );
      }
      const manifest = parseManifest(json, path);
      if (`${manifest.id}.json` !== name)
        throw new EngineError(
          'INVALID_MANIFEST',
          `${path}: field "id" must match the file name`,
          'id',
        );
      return manifest;
    }),
  );
  return manifests;
}

export async function getManifest(id: string, dir: string): Promise<ModelManifest> {
  const manifests = await listManifests(dir);
  const manifest = manifests.find((m) => m.id === id);
  if (!manifest) {
    throw new EngineError(
      'UNKNOWN_MODEL',
      `unknown model "${id}"; known models: ${manifests.map((m) => m.id).join(', ')}`,
      'model',
    );
  }
  return manifest;
}
