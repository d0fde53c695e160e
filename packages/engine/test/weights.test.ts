import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { EngineError } from '../src/errors.ts';
import { readPth, readSafetensors, readWeightFile } from '../src/weights/index.ts';

const mirror = fileURLToPath(new URL('../../../../shared/models/taef2/', import.meta.url));

function isEngineError(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

/** A pickle program built from opcodes and raw strings. */
function pickle(...parts: (number | string)[]): Uint8Array {
  const bytes: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') bytes.push(part);
    else bytes.push(...new TextEncoder().encode(part));
  }
  return new Uint8Array(bytes);
}

/** BINUNICODE: opcode, 4-byte little-endian length, UTF-8 text. */
function unicode(text: string): (number | string)[] {
  const length = new TextEncoder().encode(text).length;
  return ['X', length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, length >>> 24, text];
}

function checkpoint(dataPkl: Uint8Array): Uint8Array {
  return zipSync(
    { 'archive/data.pkl': dataPkl, 'archive/byteorder': new TextEncoder().encode('little') },
    { level: 0 },
  );
}

describe('weight readers', () => {
  for (const half of ['encoder', 'decoder']) {
    test(`taef2 ${half}: .pth and .safetensors give identical tensors`, async () => {
      const fromPth = await readWeightFile(`${mirror}taef2_${half}.pth`);
      const fromSafetensors = await readWeightFile(`${mirror}taef2_${half}.safetensors`);
      assert.equal(fromPth.size, 79);
      assert.deepEqual([...fromPth.keys()], [...fromSafetensors.keys()]);
      let parameters = 0;
      for (const [name, tensor] of fromPth) {
        const other = fromSafetensors.get(name)!;
        assert.deepEqual(tensor.shape, other.shape, name);
        assert.deepEqual(tensor.data, other.data, name);
        parameters += tensor.data.length;
      }
      // About 1.34 M parameters per half (shared/models/README.md).
      assert.ok(Math.abs(parameters - 1.34e6) < 0.01e6, `${parameters} parameters`);
      assert.deepEqual(
        fromPth.get('0.weight')?.shape,
        half === 'encoder' ? [64, 3, 3, 3] : undefined,
      );
    });
  }

  test('a pickle that names another global (os.system) is refused and nothing runs', async () => {
    const marker = `/tmp/latent-lab-pwned-${process.pid}`;
    const malicious = pickle(
      0x80,
      2,
      'c',
      'os\nsystem\n',
      ...unicode(`touch ${marker}`),
      0x85,
      'R',
      '.',
    );
    assert.throws(
      () => readPth(checkpoint(malicious), 'evil.pth'),
      isEngineError('UNSAFE_CHECKPOINT', /"os\.system"/),
    );
    assert.equal(existsSync(marker), false);
  });

  test('a global hidden after allowed ones is refused too', () => {
    const sneaky = pickle(
      0x80,
      2,
      'c',
      'collections\nOrderedDict\n',
      ')',
      'R',
      'c',
      'builtins\neval\n',
      '.',
    );
    assert.throws(
      () => readPth(checkpoint(sneaky), 'sneaky.pth'),
      isEngineError('UNSAFE_CHECKPOINT', /builtins\.eval/),
    );
  });

  test('an opcode outside the supported set is an INVALID_CHECKPOINT naming it', () => {
    const withFloat = pickle(0x80, 2, 'G', 0, 0, 0, 0, 0, 0, 0, 0, '.');
    assert.throws(
      () => readPth(checkpoint(withFloat), 'float.pth'),
      isEngineError('INVALID_CHECKPOINT', /opcode 0x47/),
    );
  });

  test('non-zip and truncated files are INVALID_CHECKPOINT', async () => {
    assert.throws(
      () => readPth(new TextEncoder().encode('not a zip'), 'junk.pth'),
      isEngineError('INVALID_CHECKPOINT', /junk\.pth/),
    );
    const bytes = new Uint8Array(await readFile(`${mirror}taef2_encoder.safetensors`));
    assert.throws(
      () => readSafetensors(bytes.subarray(0, 4000), 'cut.safetensors'),
      isEngineError('INVALID_CHECKPOINT', /cut\.safetensors/),
    );
  });

  test('safetensors F32 and F16 values decode exactly', () => {
    const header = JSON.stringify({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F16', shape: [2], data_offsets: [8, 12] },
    });
    const headerBytes = new TextEncoder().encode(header);
    const file = new Uint8Array(8 + headerBytes.length + 12);
    const view = new DataView(file.buffer);
    view.setBigUint64(0, BigInt(headerBytes.length), true);
    file.set(headerBytes, 8);
    const body = 8 + headerBytes.length;
    view.setFloat32(body, 1.5, true);
    view.setFloat32(body + 4, -2.25, true);
    view.setUint16(body + 8, 0x3c00, true); // 1.0 in float16
    view.setUint16(body + 10, 0xc500, true); // -5.0 in float16
    const tensors = readSafetensors(file, 'tiny.safetensors');
    assert.deepEqual([...tensors.get('a')!.data], [1.5, -2.25]);
    assert.deepEqual([...tensors.get('b')!.data], [1, -5]);
  });
});
