// A render thread gives back the memory of large frames: after a run whose frames have more pixels
// than RENDER_RELEASE_ABOVE_PIXELS it closes its models and loads them again warm, once idle. Each
// release is counted on /metrics before the run's frames end, a run of smaller frames releases
// nothing, and a run after a release renders the very bytes it rendered before.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createRun,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';

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
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${RELEASES}{`) || l.startsWith(RELEASES));
    assert.ok(line, `${RELEASES} is on /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
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
});
