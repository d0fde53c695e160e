// Run downloads built on the server (zip, animated WebP/GIF, contact sheet), frame-to-frame change
// stored at render time, and thumbnails: real server, real PostgreSQL, real weights and photos.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { frameChange, imageToRgb8 } from '@latent-lab/engine';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  authHeaders,
  createRun,
  gqlOk,
  startTestServer,
  uploadPhotos,
  watchRun,
  type ProgressEvent,
  type TestServer,
} from './helpers/api.ts';

const STEPS = 5;
const SIDE = 128;

interface RunDownloads {
  framesZip: string;
  animationWebp: string;
  animationGif: string;
  contactSheet: string;
}

const RUN_QUERY = `query ($id: ID!) { run(id: $id) {
  status name
  frames(first: 1000) { nodes { index url change } }
  thumbnails { index url }
  downloads { framesZip animationWebp animationGif contactSheet }
} }`;

describe('run artifacts, frame change and thumbnails (postgres)', () => {
  let testServer: TestServer;
  let server: RunningServer;
  let runId: string;
  let emptyRunId: string;
  let events: ProgressEvent[];
  let run: {
    status: string;
    name: string;
    frames: { nodes: { index: number; url: string; change: number | null }[] };
    thumbnails: { index: number; url: string }[];
    downloads: RunDownloads;
  };

  /** Adds query parameters to a URL that may already carry its signature's. */
  function withQuery(url: string, query: string): string {
    return `${url}${url.includes('?') ? '&' : '?'}${query}`;
  }

  async function download(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(server.url + path, { headers });
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  before(async () => {
    // First without a worker, so one run is certain to end with no frame stored.
    testServer = await startTestServer({ name: 'artifacts' });
    const apiOnly = testServer.server;
    const imageIds = await uploadPhotos(apiOnly.url, ['astronaut', 'chelsea']);
    const input = { model: 'taef2', imageIds, steps: STEPS, width: SIDE, height: SIDE };
    emptyRunId = (await createRun(apiOnly.url, input)).id;
    await gqlOk(apiOnly.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', {
      id: emptyRunId,
    });

    server = await testServer.restart({ workerInProcess: true });
    runId = (
      await createRun(server.url, {
        ...input,
        name: 'Sunset "walk" é',
        noise: { level: 0.2 },
        seed: 7,
        animation: { fps: 20, loop: 'PING_PONG' },
      })
    ).id;
    events = await watchRun(server.url, runId);
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    run = (await gqlOk(server.url, RUN_QUERY, { id: runId })).run;
  });

  after(async () => {
    await testServer?.close();
  });

  test('Frame.change is null for frame 0, in [0, 1], equal to frameChange of the stored PNGs and to the live events', async () => {
    assert.equal(run.frames.nodes.length, STEPS);
    assert.equal(run.frames.nodes[0]!.change, null);
    const pixels = await Promise.all(
      run.frames.nodes.map(async (frame) => imageToRgb8((await download(frame.url)).bytes)),
    );
    for (let index = 1; index < STEPS; index++) {
      const change = run.frames.nodes[index]!.change;
      assert.ok(change !== null && change > 0 && change <= 1, `frame ${index} change ${change}`);
      assert.equal(change, frameChange(pixels[index - 1]!, pixels[index]!));
    }
    const live = events.filter((event) => event.kind === 'FRAME');
    assert.deepEqual(
      live.map((event) => event.change),
      run.frames.nodes.map((frame) => frame.change),
    );
  });

  test('thumbnails are the first, middle and last frames', () => {
    assert.deepEqual(
      run.thumbnails.map((frame) => frame.index),
      [0, 2, 4],
    );
    assert.equal(run.thumbnails[1]!.url, run.frames.nodes[2]!.url);
  });

  test('frames.zip holds run.json and exactly the N PNG frames, byte for byte', async () => {
    assert.equal(
      new URL(run.downloads.framesZip, server.url).pathname,
      `/runs/${runId}/frames.zip`,
    );
    const { response, bytes } = await download(run.downloads.framesZip);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    const disposition = response.headers.get('content-disposition') ?? '';
    assert.match(disposition, /^attachment; filename="Sunset \\?"walk\\?" .-frames\.zip"/);
    assert.match(disposition, /filename\*=UTF-8''Sunset%20%22walk%22%20%C3%A9-frames\.zip/);
    const entries = unzipSync(new Uint8Array(bytes));
    assert.deepEqual(Object.keys(entries)[0], 'run.json', 'run.json comes first');
    const names = Object.keys(entries)
      .filter((name) => name.endsWith('.png'))
      .sort();
    assert.equal(Object.keys(entries).length, STEPS + 1);
    assert.equal(names.length, STEPS);
    for (const [position, name] of names.entries()) {
      const png = entries[name]!;
      const metadata = await sharp(png).metadata();
      assert.equal(metadata.format, 'png');
      assert.deepEqual([metadata.width, metadata.height], [SIDE, SIDE]);
      const stored = (await download(run.frames.nodes[position]!.url)).bytes;
      assert.ok(stored.equals(Buffer.from(png)), `${name} is stored frame ${position}`);
    }
  });

  test("frames.zip's run.json holds every parameter, the seed, timings and each frame's alpha, like the CLI's", async () => {
    const { bytes } = await download(run.downloads.framesZip);
    const manifest = JSON.parse(
      new TextDecoder().decode(unzipSync(new Uint8Array(bytes))['run.json']),
    ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const stored = (
      await gqlOk(
        server.url,
        `query ($id: ID!) { run(id: $id) {
          id name status model steps method easing width height fit seed presetId encodeMs totalMs
          noise { level mode schedule shared } animation { fps loop }
          keyframes { id originalName sha256 }
          frames(first: 1000) { nodes { index alpha noiseLevel decodeMs change } }
        } }`,
        { id: runId },
      )
    ).run;
    assert.equal(manifest['id'], runId);
    assert.equal(manifest['name'], 'Sunset "walk" é');
    assert.equal(manifest['status'], 'SUCCEEDED');
    assert.deepEqual(
      manifest['images'].map((image: { id: string; name: string; sha256: string }) => [
        image.id,
        image.name,
        image.sha256,
      ]),
      stored.keyframes.map((image: { id: string; originalName: string; sha256: string }) => [
        image.id,
        image.originalName,
        image.sha256,
      ]),
    );
    assert.deepEqual(
      {
        model: manifest['model'],
        steps: manifest['steps'],
        method: manifest['method'],
        easing: manifest['easing'],
        size: manifest['size'],
        fit: manifest['fit'],
        seed: manifest['seed'],
        noise: manifest['noise'],
        animation: manifest['animation'],
        format: manifest['format'],
      },
      {
        model: 'taef2',
        steps: STEPS,
        method: 'lerp',
        easing: 'linear',
        size: `${SIDE}x${SIDE}`,
        fit: 'cover',
        seed: 7,
        noise: { level: 0.2, mode: 'absolute', schedule: 'constant', shared: false, seed: 7 },
        animation: { fps: 20, loop: 'ping-pong' },
        format: 'png',
      },
    );
    assert.equal(manifest['timings'].encodeMs, stored.encodeMs);
    assert.equal(manifest['timings'].totalMs, stored.totalMs);
    assert.ok(manifest['timings'].decodeMs > 0);
    assert.deepEqual(
      manifest['frames'],
      stored.frames.nodes.map(
        (frame: {
          index: number;
          alpha: number;
          noiseLevel: number;
          decodeMs: number;
          change: number | null;
        }) => ({
          file: `frame-${String(frame.index).padStart(5, '0')}.png`,
          ...frame,
        }),
      ),
    );
    assert.deepEqual(
      manifest['frames'].map((frame: { alpha: number }) => frame.alpha),
      [0, 0.25, 0.5, 0.75, 1],
    );
  });

  for (const format of ['webp', 'gif'] as const) {
    test(`animation.${format} plays at the run's fps and loop (2N-2 frames in ping-pong); the query overrides them`, async () => {
      const url = format === 'webp' ? run.downloads.animationWebp : run.downloads.animationGif;
      const { response, bytes } = await download(url);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), `image/${format}`);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /-20fps-ping-pong\.(webp|gif)"/,
      );
      const metadata = await sharp(bytes, { animated: true }).metadata();
      assert.equal(metadata.format, format);
      assert.equal(metadata.pages, 2 * STEPS - 2);
      assert.equal(metadata.pageHeight, SIDE);
      assert.deepEqual(metadata.delay, Array(2 * STEPS - 2).fill(50));

      // The signature does not cover a parameter added to it: a link holder cannot have the
      // animation re-encoded at will; a member chooses fps and loop with their credentials.
      const holder = await download(withQuery(url, 'fps=25&loop=loop'));
      assert.equal(holder.response.status, 401, 'a signed URL with fps and loop added');
      const loop = await download(withQuery(url, 'fps=25&loop=loop'), authHeaders(server.url));
      assert.equal(loop.response.status, 200);
      const loopMetadata = await sharp(loop.bytes, { animated: true }).metadata();
      assert.equal(loopMetadata.pages, STEPS);
      assert.deepEqual(loopMetadata.delay, Array(STEPS).fill(40));
    });
  }

  test('contact-sheet.png decodes to a grid of every frame', async () => {
    const { response, bytes } = await download(run.downloads.contactSheet);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    const metadata = await sharp(bytes).metadata();
    // 5 frames: 3 columns, 2 rows of 128x128 thumbnails.
    assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 384, 256]);
  });

  test('a finished run is served from the cache with an ETag; If-None-Match gives 304', async () => {
    const first = await download(run.downloads.contactSheet);
    const etag = first.response.headers.get('etag');
    assert.ok(etag, 'an ETag is sent');
    const again = await download(run.downloads.contactSheet);
    assert.equal(again.response.headers.get('etag'), etag);
    assert.ok(again.bytes.equals(first.bytes));
    const notModified = await download(run.downloads.contactSheet, { 'If-None-Match': etag });
    assert.equal(notModified.response.status, 304);
    assert.equal(notModified.bytes.length, 0);
    const otherVariant = await download(
      withQuery(run.downloads.animationGif, 'fps=5'),
      authHeaders(server.url),
    );
    assert.notEqual(otherVariant.response.headers.get('etag'), etag);
  });

  test('unknown run: 404; run without frames: 409; bad query: 400', async () => {
    for (const path of [
      '/runs/00000000-0000-0000-0000-000000000000/frames.zip',
      '/runs/not-a-uuid/animation.gif',
    ]) {
      assert.equal((await download(path)).response.status, 401, `${path} without credentials`);
      const { response, bytes } = await download(path, authHeaders(server.url));
      assert.equal(response.status, 404, path);
      assert.match(JSON.parse(bytes.toString()).error, /run .* not found/);
    }
    const { run: empty } = await gqlOk(
      server.url,
      'query ($id: ID!) { run(id: $id) { status framesDone downloads { framesZip animationWebp animationGif contactSheet } } }',
      { id: emptyRunId },
    );
    assert.deepEqual([empty.status, empty.framesDone], ['CANCELED', 0]);
    for (const path of Object.values(empty.downloads as RunDownloads)) {
      const { response, bytes } = await download(path);
      assert.equal(response.status, 409, path);
      assert.match(JSON.parse(bytes.toString()).error, /no frames yet/);
    }
    for (const query of ['fps=0', 'fps=51', 'fps=abc', 'loop=bounce']) {
      const { response, bytes } = await download(
        withQuery(run.downloads.animationWebp, query),
        authHeaders(server.url),
      );
      assert.equal(response.status, 400, query);
      assert.match(JSON.parse(bytes.toString()).error, /fps|loop/);
    }
  });

  test('deleting the run deletes its frames and cached artifacts and leaves no empty folder', async () => {
    const folder = join(testServer.dataDir, 'files', 'artifacts', runId);
    const frames = join(testServer.dataDir, 'files', 'frames', runId);
    assert.ok((await readdir(folder)).length > 0, 'artifacts were cached');
    assert.equal((await readdir(frames)).filter((name) => name.endsWith('.png')).length, STEPS);
    assert.equal((await readdir(join(frames, 'thumbs'))).length, STEPS, 'one thumbnail a frame');
    await gqlOk(server.url, 'mutation ($id: ID!) { deleteRun(id: $id) }', { id: runId });
    await assert.rejects(readdir(folder), { code: 'ENOENT' });
    await assert.rejects(readdir(frames), { code: 'ENOENT' });
    assert.equal(
      (await download(`/runs/${runId}/frames.zip`, authHeaders(server.url))).response.status,
      404,
    );
  });
});
