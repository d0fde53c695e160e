// Animated WebP container (RIFF: VP8X + ANIM + one ANMF per frame), built from still WebP images.
// Browsers encode stills (canvas.toBlob 'image/webp') but not animations, so the frames are muxed here.
// Layout per https://developers.google.com/speed/webp/docs/riff_container

export interface AnimatedWebpOptions {
  readonly width: number;
  readonly height: number;
  /** Display time of each frame, 1 .. 16_777_215 ms. */
  readonly frameDurationMs: number;
  /** 0 loops forever. */
  readonly loopCount?: number;
}

interface Chunk {
  readonly fourcc: string;
  readonly payload: Uint8Array;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function readFourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** The chunks of a still WebP file; throws on anything that is not one. */
export function readWebpChunks(file: Uint8Array): Chunk[] {
  if (file.length < 12 || readFourcc(file, 0) !== 'RIFF' || readFourcc(file, 8) !== 'WEBP') {
    throw new Error('not a WebP file (missing RIFF/WEBP header)');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunks: Chunk[] = [];
  let at = 12;
  while (at + 8 <= file.length) {
    const fourcc = readFourcc(file, at);
    const size = view.getUint32(at + 4, true);
    if (at + 8 + size > file.length) throw new Error(`truncated WebP chunk ${fourcc}`);
    chunks.push({ fourcc, payload: file.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  return chunks;
}

function uint24(value: number): number[] {
  return [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff];
}

function encodeChunk(fourcc: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length + (payload.length % 2));
  out.set(ascii(fourcc), 0);
  new DataView(out.buffer).setUint32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bitstream chunks of one still (ALPH, VP8 or VP8L), re-encoded as they sit inside an ANMF chunk. */
function frameData(still: Uint8Array): { data: Uint8Array; alpha: boolean } {
  const kept = readWebpChunks(still).filter(
    (c) => c.fourcc === 'ALPH' || c.fourcc === 'VP8 ' || c.fourcc === 'VP8L',
  );
  if (!kept.some((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L')) {
    throw new Error('WebP still has no VP8/VP8L image data');
  }
  // VP8L carries its own alpha; the header bit is set whenever any frame may be transparent.
  const alpha = kept.some((c) => c.fourcc === 'ALPH' || c.fourcc === 'VP8L');
  return { data: concat(kept.map((c) => encodeChunk(c.fourcc, c.payload))), alpha };
}

/** One animated WebP from still WebP frames that all have the canvas size. */
export function muxAnimatedWebp(
  stills: readonly Uint8Array[],
  options: AnimatedWebpOptions,
): Uint8Array {
  const { width, height, frameDurationMs, loopCount = 0 } = options;
  if (stills.length === 0) throw new Error('an animation needs at least one frame');
  if (!(width >= 1 && width <= 16384 && height >= 1 && height <= 16384)) {
    throw new Error(`animation size must be 1..16384 on each side, got ${width}x${height}`);
  }
  const duration = Math.round(frameDurationMs);
  if (!(duration >= 1 && duration <= 0xffffff)) {
    throw new Error(`frame duration must be 1..16777215 ms, got ${frameDurationMs}`);
  }
  const frames = stills.map(frameData);
  const anyAlpha = frames.some((f) => f.alpha);

  const vp8x = Uint8Array.from([
    (anyAlpha ? 0x10 : 0) | 0x02,
    0,
    0,
    0,
    ...uint24(width - 1),
    ...uint24(height - 1),
  ]);
  const anim = new Uint8Array(6);
  new DataView(anim.buffer).setUint32(0, 0xffffffff, true); // background: opaque white (BGRA)
  new DataView(anim.buffer).setUint16(4, loopCount, true);
  const anmfs = frames.map((frame) =>
    encodeChunk(
      'ANMF',
      concat([
        Uint8Array.from([
          ...uint24(0),
          ...uint24(0),
          ...uint24(width - 1),
          ...uint24(height - 1),
          ...uint24(duration),
        ]),
        // 0b10: do not blend with the previous frame (each frame is complete); no disposal.
        Uint8Array.from([0b10]),
        frame.data,
      ]),
    ),
  );
  const body = concat([
    ascii('WEBP'),
    encodeChunk('VP8X', vp8x),
    encodeChunk('ANIM', anim),
    ...anmfs,
  ]);
  const header = new Uint8Array(8);
  header.set(ascii('RIFF'), 0);
  new DataView(header.buffer).setUint32(4, body.length, true);
  return concat([header, body]);
}
