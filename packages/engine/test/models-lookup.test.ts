import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../src/errors.ts';
import {
  fetchWeights,
  getManifest,
  listManifests,
  parseManifest,
  verifyWeights,
  weightsAvailable,
  type DownloadProgress,
  type ModelManifest,
  type WeightLocations,
} from '../src/models/index.ts';

const mirror = fileURLToPath(new URL('../../../../shared/models', import.meta.url));
/** The repository's committed manifests. */
const manifestsDir = fileURLToPath(new URL('../../../models', import.meta.url));

function rejectsWith(code: string, ...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

describe('manifests', () => {
  test('the repository manifests include taef2 and taesd with pinned checksums', async () => {
    const ids = (await listManifests(manifestsDir)).map((m) => m.id);
    assert.ok(ids.includes('taef2') && ids.includes('taesd'), ids.join(', '));
    const taef2 = await getManifest('taef2', manifestsDir);
    assert.equal(taef2.latentChannels, 32);
    assert.equal(
      taef2.files.encoder.sha256,
      '10a4e1021e89d7551eaf161352da8dbd0b1aa83872ae28b150c1df1ce2f147b6',
    );
    assert.match(
      taef2.files.decoder.url,
      /^https:\/\/github\.com\/madebyollin\/taesd\/raw\/[0-9a-f]{40}\/taef2_decoder\.pth$/,
    );
    assert.equal((await getManifest('taesd', manifestsDir)).latentChannels, 4);
  });

  test('an unknown id is UNKNOWN_MODEL listing the known ids', async () => {
    await assert.rejects(
      getManifest('sdxl-vae', manifestsDir),
      rejectsWith('UNKNOWN_MODEL', /"sdxl-vae"/, /taef2/, /taesd/),
    );
  });

  test('schema errors name the file and the field', async () => {
    const taef2 = await getManifest('taef2', manifestsDir);
    assert.throws(
      () => parseManifest({ ...taef2, encoderInputRange: [1, 0] }, 'models/x.json'),
      rejectsWith('INVALID_MANIFEST', /models\/x\.json/, /"encoderInputRange"/),
    );
    const badSha = {
      ...taef2,
      files: { ...taef2.files, decoder: { ...taef2.files.decoder, sha256: 'abc' } },
    };
    assert.throws(
      () => parseManifest(badSha, 'y.json'),
      rejectsWith('INVALID_MANIFEST', /"files\.decoder\.sha256"/),
    );
    assert.throws(
      () => parseManifest({ ...taef2, kind: 'onnx-pair' }, 'z.json'),
      rejectsWith('INVALID_MANIFEST', /"onnx"/),
    );
    const dir = await mkdtemp(join(tmpdir(), 'latent-lab-manifests-'));
    try {
      await writeFile(join(dir, 'broken.json'), '{ "id": ');
      await assert.rejects(
        listManifests(dir),
        rejectsWith('INVALID_MANIFEST', /broken\.json/, /not valid JSON/),
      );
      // sha256 may be null, but not absent.
      const withoutSha = { file: taef2.files.encoder.file, url: taef2.files.encoder.url };
      await writeFile(
        join(dir, 'broken.json'),
        JSON.stringify({ ...taef2, id: 'broken', files: { ...taef2.files, encoder: withoutSha } }),
      );
      await assert.rejects(
        listManifests(dir),
        rejectsWith('INVALID_MANIFEST', /broken\.json/, /"files\.encoder\.sha256"/),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('weight lookup', () => {
  let taef2: ModelManifest;
  let work: string;
  let encoderBytes: Buffer;
  let server: Server;
  let baseUrl: string;
  const requests: string[] = [];

  before(async () => {
    taef2 = await getManifest('taef2', manifestsDir);
    work = await mkdtemp(join(tmpdir(), 'latent-lab-lookup-'));
    encoderBytes = await readFile(join(mirror, 'taef2', taef2.files.encoder.file));
    const decoderBytes = await readFile(join(mirror, 'taef2', taef2.files.decoder.file));
    const corrupted = Buffer.from(encoderBytes);
    corrupted[1000] = corrupted[1000]! ^ 0xff;
    const routes = new Map<string, Buffer>([
      ['/taef2_encoder.pth', encoderBytes],
      ['/taef2_decoder.pth', decoderBytes],
      ['/corrupted/taef2_encoder.pth', corrupted],
    ]);
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const body = routes.get(request.url ?? '');
      if (!body) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-length': body.length });
      // Several chunks, so progress is reported more than once.
      const chunk = 256 * 1024;
      for (let offset = 0; offset < body.length; offset += chunk)
        response.write(body.subarray(offset, offset + chunk));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  async function emptyDir(name: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  function served(manifest: ModelManifest, prefix = ''): ModelManifest {
    const url = (file: string): string => `${baseUrl}${prefix}/${file}`;
    return {
      ...manifest,
      files: {
        encoder: { ...manifest.files.encoder, url: url(manifest.files.encoder.file) },
        decoder: { ...manifest.files.decoder, url: url(manifest.files.decoder.file) },
      },
    };
  }

  /** Locations with no mirror and downloads allowed: a fetch goes to the manifest's URLs. */
  function downloadingTo(modelsDir: string): WeightLocations {
    return { manifestsDir, modelsDir, mirrorDir: null, allowDownload: true };
  }

  test('the shared mirror is found under <mirror>/<id>/<file>', async () => {
    const locations: WeightLocations = {
      manifestsDir,
      modelsDir: await emptyDir('mirror-hit'),
      mirrorDir: mirror,
      allowDownload: false,
    };
    assert.equal(await weightsAvailable(taef2, locations), true);
    const checks = await verifyWeights(taef2, locations);
    assert.deepEqual(
      checks.map((c) => [c.path, c.ok]),
      [
        [join(mirror, 'taef2', 'taef2_encoder.pth'), true],
        [join(mirror, 'taef2', 'taef2_decoder.pth'), true],
      ],
    );
    await fetchWeights(taef2, locations);
  });

  test('a flat mirror (<mirror>/<file>) is found, and the models folder comes before it', async () => {
    const flat = await emptyDir('flat-mirror');
    const modelsDir = await emptyDir('models-first');
    for (const weight of [taef2.files.encoder, taef2.files.decoder]) {
      await symlink(join(mirror, 'taef2', weight.file), join(flat, weight.file));
    }
    await symlink(
      join(mirror, 'taef2', taef2.files.encoder.file),
      join(modelsDir, taef2.files.encoder.file),
    );
    const checks = await verifyWeights(taef2, {
      manifestsDir,
      modelsDir,
      mirrorDir: flat,
      allowDownload: false,
    });
    assert.deepEqual(
      checks.map((c) => c.path),
      [join(modelsDir, 'taef2_encoder.pth'), join(flat, 'taef2_decoder.pth')],
    );
    assert.ok(checks.every((c) => c.ok));
  });

  test('a corrupted copy in the models folder is CHECKSUM_MISMATCH naming file, expected and actual', async () => {
    const modelsDir = await emptyDir('corrupted');
    const corrupted = Buffer.from(encoderBytes);
    corrupted[5000] = corrupted[5000]! ^ 0x01;
    await writeFile(join(modelsDir, taef2.files.encoder.file), corrupted);
    const actual = createHash('sha256').update(corrupted).digest('hex');
    const locations: WeightLocations = {
      manifestsDir,
      modelsDir,
      mirrorDir: mirror,
      allowDownload: false,
    };
    await assert.rejects(
      fetchWeights(taef2, locations),
      rejectsWith(
        'CHECKSUM_MISMATCH',
        /taef2_encoder\.pth/,
        new RegExp(taef2.files.encoder.sha256!),
        new RegExp(actual),
      ),
    );
    assert.equal(await weightsAvailable(taef2, locations), false);
    const [encoderCheck] = await verifyWeights(taef2, locations);
    assert.equal(encoderCheck?.ok, false);
    assert.match(encoderCheck?.detail ?? '', new RegExp(actual));
  });

  test('downloads from the manifest URL with progress and a verified checksum', async () => {
    const modelsDir = await emptyDir('download');
    const progress: DownloadProgress[] = [];
    const manifest = served(taef2);
    await fetchWeights(manifest, {
      ...downloadingTo(modelsDir),
      onDownloadProgress: (p) => progress.push(p),
    });
    assert.deepEqual((await readdir(modelsDir)).sort(), ['taef2_decoder.pth', 'taef2_encoder.pth']);
    assert.deepEqual(await readFile(join(modelsDir, 'taef2_encoder.pth')), encoderBytes);
    const encoderProgress = progress.filter((p) => p.file === 'taef2_encoder.pth');
    assert.ok(encoderProgress.length > 1, `${encoderProgress.length} progress reports`);
    for (let i = 1; i < encoderProgress.length; i++) {
      assert.ok(encoderProgress[i]!.receivedBytes > encoderProgress[i - 1]!.receivedBytes);
    }
    assert.deepEqual(encoderProgress.at(-1), {
      file: 'taef2_encoder.pth',
      receivedBytes: encoderBytes.length,
      totalBytes: encoderBytes.length,
    });
    // Present now: a second fetch does not download again.
    const before = requests.length;
    await fetchWeights(manifest, downloadingTo(modelsDir));
    assert.equal(requests.length, before);
  });

  test('a download with the wrong checksum is refused and leaves nothing behind', async () => {
    const modelsDir = await emptyDir('bad-download');
    await assert.rejects(
      fetchWeights(served(taef2, '/corrupted'), downloadingTo(modelsDir)),
      rejectsWith('CHECKSUM_MISMATCH', /taef2_encoder\.pth/, /\/corrupted\/taef2_encoder\.pth/),
    );
    assert.deepEqual(await readdir(modelsDir), []);
  });

  test('an HTTP error is WEIGHTS_UNAVAILABLE', async () => {
    const modelsDir = await emptyDir('http-404');
    await assert.rejects(
      fetchWeights(served(taef2, '/missing'), downloadingTo(modelsDir)),
      rejectsWith('WEIGHTS_UNAVAILABLE', /HTTP 404/),
    );
  });

  test('offline with nothing present is WEIGHTS_UNAVAILABLE naming the model, the places looked and the fix', async () => {
    const modelsDir = await emptyDir('offline');
    const emptyMirror = await emptyDir('empty-mirror');
    const locations: WeightLocations = {
      manifestsDir,
      modelsDir,
      mirrorDir: emptyMirror,
      allowDownload: false,
    };
    await assert.rejects(
      fetchWeights(taef2, locations),
      rejectsWith(
        'WEIGHTS_UNAVAILABLE',
        /"taef2"/,
        new RegExp(join(modelsDir, 'taef2_encoder.pth')),
        new RegExp(join(emptyMirror, 'taef2', 'taef2_encoder.pth')),
        /LATENT_LAB_OFFLINE/,
        /LATENT_LAB_MODELS_MIRROR/,
      ),
    );
    assert.equal(await weightsAvailable(taef2, locations), false);
    assert.deepEqual(
      (await verifyWeights(taef2, locations)).map((c) => [c.path, c.ok]),
      [
        [null, false],
        [null, false],
      ],
    );
  });

  test('an unpinned file (sha256 null) is never downloaded, but a local copy is used', async () => {
    const unpinned: ModelManifest = {
      ...served(taef2),
      files: {
        encoder: { ...served(taef2).files.encoder, sha256: null },
        decoder: { ...served(taef2).files.decoder, sha256: null },
      },
    };
    const modelsDir = await emptyDir('unpinned');
    const before = requests.length;
    await assert.rejects(
      fetchWeights(unpinned, downloadingTo(modelsDir)),
      rejectsWith('WEIGHTS_UNAVAILABLE', /not pinned/),
    );
    assert.equal(requests.length, before, 'no request was made');
    const checks = await verifyWeights(unpinned, {
      manifestsDir,
      modelsDir,
      mirrorDir: mirror,
      allowDownload: true,
    });
    assert.ok(checks.every((c) => c.ok && /not pinned/.test(c.detail)));
  });
});
