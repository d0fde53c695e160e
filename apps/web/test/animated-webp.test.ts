import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { muxAnimatedWebp, readWebpChunks } from '../src/lib/animated-webp.ts';

const SIDE = 32;
const COLOURS = [
  { r: 220, g: 30, b: 30 },
  { r: 30, g: 200, b: 40 },
  { r: 20, g: 40, b: 230 },
];

function still(colour: { r: number; g: number; b: number }, lossless: boolean): Promise<Buffer> {
  return sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: colour } })
    .webp({ lossless, quality: 95 })
    .toBuffer();
}

describe('muxAnimatedWebp', () => {
  for (const lossless of [false, true]) {
    test(`libwebp reads back every ${lossless ? 'VP8L' : 'VP8'} frame, its duration and the loop`, async () => {
      const stills = await Promise.all(COLOURS.map((c) => still(c, lossless)));
      const animation = muxAnimatedWebp(stills, {
        width: SIDE,
        height: SIDE,
        frameDurationMs: 125,
        loopCount: 0,
      });

      const meta = await sharp(animation, { animated: true }).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(meta.pages, COLOURS.length);
      assert.equal(meta.width, SIDE);
      assert.equal(meta.pageHeight, SIDE);
      assert.deepEqual(meta.delay, [125, 125, 125]);
      assert.equal(meta.loop, 0);

      for (const [page, colour] of COLOURS.entries()) {
        const { data } = await sharp(animation, { page })
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        const centre = ((SIDE / 2) * SIDE + SIDE / 2) * 3;
        assert.ok(
          Math.abs(data[centre]! - colour.r) < 12,
          `frame ${page} red ${data[centre]} vs ${colour.r}`,
        );
        assert.ok(Math.abs(data[centre + 1]! - colour.g) < 12, `frame ${page} green`);
        assert.ok(Math.abs(data[centre + 2]! - colour.b) < 12, `frame ${page} blue`);
      }
    });
  }

  test('writes VP8X with the animation flag, ANIM, then one ANMF per frame', async () => {
    const stills = await Promise.all(COLOURS.slice(0, 2).map((c) => still(c, false)));
    const chunks = readWebpChunks(
      muxAnimatedWebp(stills, { width: SIDE, height: SIDE, frameDurationMs: 40 }),
    );
    assert.deepEqual(
      chunks.map((c) => c.fourcc),
      ['VP8X', 'ANIM', 'ANMF', 'ANMF'],
    );
    assert.equal(chunks[0]!.payload[0]! & 0x02, 0x02);
  });

  test('rejects bytes that are not WebP, and impossible options, with a message naming the problem', async () => {
    assert.throws(
      () =>
        muxAnimatedWebp([new Uint8Array([1, 2, 3])], { width: 8, height: 8, frameDurationMs: 40 }),
      /not a WebP file/,
    );
    const frame = await still(COLOURS[0]!, false);
    assert.throws(
      () => muxAnimatedWebp([], { width: 8, height: 8, frameDurationMs: 40 }),
      /at least one frame/,
    );
    assert.throws(
      () => muxAnimatedWebp([frame], { width: 0, height: 8, frameDurationMs: 40 }),
      /size/,
    );
    assert.throws(
      () => muxAnimatedWebp([frame], { width: 8, height: 8, frameDurationMs: 0 }),
      /duration/,
    );
  });
});
