// A render thread gives back the memory of large frames: after a run whose frames have more pixels
// than RENDER_RELEASE_ABOVE_PIXELS it closes its models and loads them again warm, once idle. Each
// release is counted on /metrics before the run's frames end, a run of smaller frames releases
// nothing, and a run after a release renders the very bytes it rendered before. With two render
// threads and runs of both sizes sent at once, every run succeeds with the same bytes per size.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createRun,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';
import { sample } from './helpers/metrics.ts';

const RELEASES = 'latent_lab_render_model_releases_total';

describe('render threads release their models after large frames', () => {
  let testServer: TestServer;
  let imageIds: string[];

  before(async () => {
    testServer = await startTestServer({
      name: 'release',
      workerInProcess: true,
      renderReleaseAbovePixels: 96 * 96,
    });
    imageIds = await uploadPhotos(testServer.server.url, ['chelsea', 'coffee']);
  });
  after(async () => {
    await testServer?.close();
  });

  async function releases(): Promise<number> {
    const text = await (await fetch(new URL('/metrics', testServer.server.url))).text();
    const value = sample(text, RELEASES);
    assert.ok(!Number.isNaN(value), `${RELEASES} is on /metrics`);
    return value;
  }

  /** Renders a run to its end; its frames' bytes, in order. */
  async function frames(side: number): Promise<Buffer[]> {
    const url = testServer.server.url;
    const run = await createRun(url, {
      model: 'taef2',
      imageIds,
      steps: 3,
      width: side,
      height: side,
      seed: 7,
    });
    const events = await watchRun(url, String(run.id));
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
    const stored = events.filter((event) => event.kind === 'FRAME');
    assert.equal(stored.length, 3);
    return Promise.all(
      stored.map(async (event) => Buffer.from(await (await fetch(url + event.url!)).arrayBuffer())),
    );
  }

  test('a run above the limit releases once; runs at or below it do not; frames are the same after', async () => {
    const before = await frames(64);
    assert.equal(await releases(), 0, 'a 64x64 run keeps the models');
    await frames(96);
    assert.equal(await releases(), 0, 'a 96x96 run is at the limit, not above it');
    await frames(128);
    assert.equal(await releases(), 1, 'a 128x128 run released them');
    const afterRelease = await frames(64);
    assert.equal(await releases(), 1);
    assert.deepEqual(afterRelease, before, 'the models loaded again render the same frames');
  });

  test('two render threads, runs of both sizes sent at once: every run succeeds, each size renders the same bytes', async () => {
    // Each thread releases when it goes idle after a large run, while the other may be rendering;
    // a run sent to a thread that is reloading waits for it.
    await testServer.restart({ workerInProcess: true, workerConcurrency: 2, intraOpThreads: 1 });
    const before = await releases();
    const sides = [128, 64, 128, 64, 128, 64];
    const rendered = await Promise.all(sides.map((side) => frames(side)));
    assert.ok((await releases()) > before, 'the large runs released');
    for (const side of [64, 128]) {
      const same = rendered.filter((_, i) => sides[i] === side);
      for (const other of same.slice(1)) assert.deepEqual(other, same[0], `${side}x${side}`);
    }
  });
});
