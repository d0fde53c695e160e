// Team features of the API: thumbnails made once when a frame or an image is stored (served as
// small WebPs, on live FRAME events, deleted with their run or image), run notes (short Markdown,
// limited by the domain) and tag search by prefix. Real server, real PostgreSQL, real weights and
// photos.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { RunningServer } from '../apps/server/src/index.ts';
import {
  authHeaders,
  collectProgress,
  createRun,
  gql,
  gqlOk,
  PHOTOS,
  uploadPhoto,
  uploadPhotos,
  useTestServer,
  wsClient,
  type ProgressEvent,
} from './helpers/api.ts';

const STEPS = 3;
const SIDE = 256;
/** The engine's THUMBNAIL_SIDE. */
const THUMB_SIDE = 128;

const RUN_QUERY = `query ($id: ID!) { run(id: $id) {
  status notes tags
  frames(first: 1000) { nodes { index url thumbnailUrl } }
  thumbnails { index url thumbnailUrl }
  keyframes { id url thumbnailUrl width height }
} }`;

const PROGRESS_WITH_THUMBS = `subscription ($runId: ID!) {
  runProgress(runId: $runId) { kind index url thumbnailUrl done total status }
}`;

const NOTES = `mutation ($id: ID!, $notes: String!) { updateRunNotes(id: $id, notes: $notes) { id notes } }`;

const RUNS_BY_TAG = `query ($tag: String!) {
  runs(first: 100, filter: { tag: $tag }, sort: { field: NAME, direction: ASC }) { totalCount nodes { name tags } }
}`;

interface Frame {
  index: number;
  url: string;
  thumbnailUrl: string;
}

describe('thumbnails, run notes and tag prefixes (postgres)', () => {
  const testServer = useTestServer({
    name: 'team',
    workerInProcess: true,
    intraOpThreads: 1,
  });
  let server: RunningServer;
  let imageIds: string[];
  let runId: string;
  let events: ProgressEvent[];
  const liveThumbs: (string | null)[] = [];

  async function download(path: string) {
    const response = await fetch(server.url + path);
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  before(async () => {
    server = testServer.server;
    imageIds = await uploadPhotos(server.url, ['astronaut', 'coffee']);
    const run = await createRun(server.url, {
      name: 'thumbs',
      model: 'taef2',
      imageIds,
      steps: STEPS,
      width: SIDE,
      height: SIDE,
      seed: 5,
      tags: ['sweep-1a2b', 'portrait'],
    });
    runId = run.id;
    const client = wsClient(server.url);
    try {
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe<{ runProgress: { kind: string; thumbnailUrl: string | null } }>(
          { query: PROGRESS_WITH_THUMBS, variables: { runId } },
          {
            next: (result) => {
              const event = result.data?.runProgress;
              if (event?.kind === 'FRAME') liveThumbs.push(event.thumbnailUrl);
            },
            error: reject,
            complete: resolve,
          },
        );
      });
      events = await collectProgress(client, runId);
      await done;
    } finally {
      await client.dispose();
    }
    assert.equal(events.at(-1)?.status, 'SUCCEEDED');
  });

  test('every frame has a WebP thumbnail of at most 128 px, made when it was stored, far smaller than the PNG', async () => {
    const { run } = await gqlOk(server.url, RUN_QUERY, { id: runId });
    const frames = run.frames.nodes as Frame[];
    assert.equal(frames.length, STEPS);
    for (const frame of frames) {
      assert.notEqual(frame.thumbnailUrl, frame.url);
      const thumb = await download(frame.thumbnailUrl);
      assert.equal(thumb.response.status, 200);
      assert.match(thumb.response.headers.get('cache-control') ?? '', /immutable/);
      const metadata = await sharp(thumb.bytes).metadata();
      assert.equal(metadata.format, 'webp');
      assert.deepEqual([metadata.width, metadata.height], [THUMB_SIDE, THUMB_SIDE]);
      const png = await download(frame.url);
      assert.ok(
        thumb.bytes.length * 5 < png.bytes.length,
        `thumbnail ${thumb.bytes.length} bytes vs PNG ${png.bytes.length}`,
      );
    }
    // The history's first/middle/last and the live FRAME events carry the same thumbnails.
    assert.deepEqual(
      (run.thumbnails as Frame[]).map((frame) => frame.thumbnailUrl),
      [0, 1, 2].map((index) => frames[index]!.thumbnailUrl),
    );
    assert.deepEqual(
      liveThumbs,
      frames.map((frame) => frame.thumbnailUrl),
    );
  });

  test('an uploaded image has a WebP thumbnail of at most 128 px; deleting the image deletes both files', async () => {
    const { run } = await gqlOk(server.url, RUN_QUERY, { id: runId });
    for (const image of run.keyframes as {
      url: string;
      thumbnailUrl: string;
      width: number;
      height: number;
    }[]) {
      const thumb = await download(image.thumbnailUrl);
      assert.equal(thumb.response.status, 200);
      const metadata = await sharp(thumb.bytes).metadata();
      assert.equal(metadata.format, 'webp');
      assert.equal(Math.max(metadata.width!, metadata.height!), THUMB_SIDE);
      // The same shape, to a pixel of rounding.
      const ratio = image.width / image.height;
      const expected =
        ratio >= 1 ? [THUMB_SIDE, THUMB_SIDE / ratio] : [THUMB_SIDE * ratio, THUMB_SIDE];
      assert.ok(
        Math.abs(metadata.width! - expected[0]!) <= 1 &&
          Math.abs(metadata.height! - expected[1]!) <= 1,
        `${metadata.width}x${metadata.height} for a ${image.width}x${image.height} image`,
      );
    }
    const unused = await uploadPhoto(server.url, PHOTOS.rocket);
    const { image } = await gqlOk(
      server.url,
      'query ($id: ID!) { image(id: $id) { url thumbnailUrl } }',
      {
        id: unused.id,
      },
    );
    assert.equal((await download(image.thumbnailUrl)).response.status, 200);
    await gqlOk(server.url, 'mutation ($id: ID!) { deleteImage(id: $id) }', { id: unused.id });
    assert.equal((await download(image.url)).response.status, 404);
    assert.equal((await download(image.thumbnailUrl)).response.status, 404);
  });

  test('run notes: set, trimmed, cleared, refused over 4000 characters or for an unknown run', async () => {
    const markdown = '  **Best** seed so far; see [the docs](https://example.com)\n\n- a\n- b  ';
    const { updateRunNotes } = await gqlOk(server.url, NOTES, { id: runId, notes: markdown });
    assert.equal(updateRunNotes.notes, markdown.trim());
    assert.equal((await gqlOk(server.url, RUN_QUERY, { id: runId })).run.notes, markdown.trim());

    const tooLong = await gql(server.url, NOTES, { id: runId, notes: 'x'.repeat(4001) });
    assert.equal(tooLong.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(tooLong.errors?.[0]?.extensions?.field, 'notes');
    assert.match(tooLong.errors?.[0]?.message ?? '', /at most 4000 characters, got 4001/);
    assert.equal((await gqlOk(server.url, RUN_QUERY, { id: runId })).run.notes, markdown.trim());

    const unknown = await gql(server.url, NOTES, {
      id: '00000000-0000-0000-0000-000000000000',
      notes: 'hello',
    });
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'NOT_FOUND');

    assert.equal(
      (await gqlOk(server.url, NOTES, { id: runId, notes: '' })).updateRunNotes.notes,
      '',
    );
  });

  test('the tag filter matches tag prefixes, case-insensitively; LIKE wildcards match themselves', async () => {
    const make = async (name: string, tags: string[]) => {
      const run = await createRun(server.url, {
        name,
        model: 'taef2',
        imageIds,
        steps: 2,
        width: 64,
        height: 64,
        tags,
      });
      // Only the rows matter here: cancel so the worker renders nothing more for them.
      await gqlOk(server.url, 'mutation ($id: ID!) { cancelRun(id: $id) { id } }', {
        id: run.id,
      });
    };
    await make('prefix a', ['Sweep-9f9f']);
    await make('prefix b', ['sweeping', 'x_y']);
    await make('prefix c', ['nosweep', 'x%y']);
    const names = async (tag: string) =>
      ((await gqlOk(server.url, RUNS_BY_TAG, { tag })).runs.nodes as { name: string }[]).map(
        (run) => run.name,
      );
    assert.deepEqual(await names('sweep'), ['prefix a', 'prefix b', 'thumbs']);
    assert.deepEqual(await names('SWEEP-'), ['prefix a', 'thumbs']);
    assert.deepEqual(await names('sweep-1a2b'), ['thumbs'], 'a whole tag still matches');
    assert.deepEqual(await names('x_'), ['prefix b']);
    assert.deepEqual(await names('x%'), ['prefix c']);
    assert.deepEqual(await names('%'), []);
    assert.deepEqual(await names('weep'), [], 'a prefix, not a substring');
  });

  test("runUpdates carries a running run's thumbnails as its frames are stored, not only the first event's", async () => {
    const client = wsClient(server.url);
    let liveRunId = '';
    const seen: { runId: string; status: string; framesDone: number; thumbs: string[] }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        client.subscribe<{
          runUpdates: {
            runId: string;
            run: {
              status: string;
              framesDone: number;
              thumbnails: { thumbnailUrl: string }[];
            } | null;
          };
        }>(
          {
            query:
              'subscription { runUpdates { runId run { status framesDone thumbnails { thumbnailUrl } } } }',
          },
          {
            next: (result) => {
              const update = result.data?.runUpdates;
              if (!update?.run) return;
              const { status, framesDone, thumbnails } = update.run;
              const thumbs = thumbnails.map((t) => t.thumbnailUrl);
              seen.push({ runId: update.runId, status, framesDone, thumbs });
              if (status === 'SUCCEEDED' && update.runId === liveRunId) resolve();
            },
            error: reject,
            complete: () => reject(new Error('runUpdates completed')),
          },
        );
        // Started once the subscription is in place (the server acknowledges it first).
        setImmediate(() => {
          createRun(server.url, {
            name: 'live thumbs',
            model: 'taef2',
            imageIds,
            steps: 4,
            width: 64,
            height: 64,
          })
            .then((run) => {
              liveRunId = run.id;
            })
            .catch(reject);
        });
      });
    } finally {
      await client.dispose();
    }
    const withFrames = seen.filter((update) => update.runId === liveRunId && update.framesDone > 0);
    // How many intermediate states an update catches depends on timing; each must be current.
    assert.ok(withFrames.length >= 1, JSON.stringify(seen));
    for (const update of withFrames) {
      assert.equal(update.thumbs.length, Math.min(3, update.framesDone), JSON.stringify(update));
      for (const url of update.thumbs) assert.match(url, /\/thumbs\/\d{5}\.webp(\?|$)/);
    }
  });

  test('GraphQL answers are compressed for a client that accepts it', async () => {
    const body = JSON.stringify({
      // Well over the 1 KB below which compression is not worth it.
      query:
        '{ runs(first: 100) { nodes { id name status tags notes createdAt keyframes { id sha256 originalName url thumbnailUrl } thumbnails { url thumbnailUrl } } } }',
    });
    const ask = (encoding: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'accept-encoding': encoding,
          ...authHeaders(server.url),
        },
        body,
      });
    const compressed = await ask('gzip');
    assert.equal(compressed.headers.get('content-encoding'), 'gzip');
    const plain = await ask('identity');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.deepEqual(await compressed.json(), await plain.json());
  });

  test('deleting a run deletes its frame thumbnails with its frames', async () => {
    const { run } = await gqlOk(server.url, RUN_QUERY, { id: runId });
    const thumb = (run.frames.nodes as Frame[])[0]!.thumbnailUrl;
    assert.equal((await download(thumb)).response.status, 200);
    await gqlOk(server.url, 'mutation ($id: ID!) { deleteRun(id: $id) }', { id: runId });
    assert.equal((await download(thumb)).response.status, 404);
    await assert.rejects(readdir(join(testServer.dataDir, 'files', 'frames', runId)), {
      code: 'ENOENT',
    });
  });
});
