import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModelLocations } from '@latent-lab/config';
import { parseRunParams, DEFAULT_RUN_LIMITS } from '@latent-lab/domain';
import { Engine, renderSpec, tensorToImage } from '@latent-lab/engine';
import sharp from 'sharp';
import {
  HUGE_PAGES_PROBE,
  parseProbe,
  transparentHugePageMode,
} from '../../../test/helpers/huge-pages.ts';

const bin = new URL('../bin/latent-lab.js', import.meta.url).pathname;
const images = new URL('../../../../shared/images/', import.meta.url).pathname;
const astronaut = join(images, 'astronaut.png');
const rocket = join(images, 'rocket.jpg');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to completion with this process's environment plus `env` (undefined removes). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return run(process.execPath, [bin, ...args], env);
}

/** A clear error is one line on stderr, a non-zero exit, and no stack trace. */
function assertCleanError(result: Result, pattern: RegExp): void {
  assert.notEqual(result.code, 0);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'latent-lab-cli-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('latent-lab interpolate', () => {
  test('writes frames, animations (opt-in), a contact sheet and run.json; a repeated run encodes nothing', async () => {
    const out = join(scratch, 'run');
    const cacheDir = join(scratch, 'cache');
    const args = [
      'interpolate',
      astronaut,
      rocket,
      astronaut,
      '--steps',
      '5',
      '--size',
      '128x96',
      '--method',
      'slerp',
      '--easing',
      'ease-in-out',
      '--noise',
      '0.5',
      '--noise-mode',
      'relative',
      '--schedule',
      'bell',
      '--seed',
      '42',
      '--animations',
      '--out',
      out,
      '--cache-dir',
      cacheDir,
    ];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /wrote 5 frames/);

    const files = await readdir(out);
    for (const name of ['animation.webp', 'animation.gif', 'contact-sheet.png', 'run.json']) {
      assert.ok(files.includes(name), `${name} missing`);
    }
    const frames = files.filter((f) => /^frame-\d{4}\.png$/.test(f)).sort();
    assert.equal(frames.length, 5);
    for (const frame of frames) {
      const meta = await sharp(join(out, frame)).metadata();
      assert.deepEqual([meta.width, meta.height, meta.format], [128, 96, 'png']);
    }
    const webp = await sharp(join(out, 'animation.webp'), { animated: true }).metadata();
    assert.equal(webp.pages, 5);

    const report = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(report.timings.encoderCalls, 2, 'astronaut is used twice but encoded once');
    assert.equal(report.timings.decoderCalls, 5);
    assert.equal(report.noise.seed, 42);
    assert.equal(report.precision.requested, 'auto');
    assert.ok(['fp32', 'int8'].includes(report.precision.used), report.precision.used);
    assert.match(report.precision.reason, /^auto: /);
    assert.equal(report.frames[0].alpha, 0);
    assert.equal(report.frames[4].alpha, 1);
    assert.equal(report.frames[0].noiseLevel, 0, 'bell schedule is zero at the ends');
    assert.ok(report.frames[2].noiseLevel > 0);

    const repeat = await cli([
      ...args.slice(0, -4),
      '--out',
      join(scratch, 'repeat'),
      '--cache-dir',
      cacheDir,
    ]);
    assert.equal(repeat.code, 0, repeat.stderr);
    const again = JSON.parse(await readFile(join(scratch, 'repeat', 'run.json'), 'utf8'));
    assert.equal(again.timings.encoderCalls, 0);
    const [a, b] = await Promise.all([
      readFile(join(out, 'frame-0002.png')),
      readFile(join(scratch, 'repeat', 'frame-0002.png')),
    ]);
    assert.ok(a.equals(b), 'the same seed gives the same frame');
  });

  test('--precision fp32 is recorded in run.json; only frames and run.json by default', async () => {
    const out = join(scratch, 'fp32');
    const result = await cli([
      'interpolate',
      astronaut,
      rocket,
      '--steps',
      '2',
      '--size',
      '64x64',
      '--precision',
      'fp32',
      '--no-cache',
      '--out',
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['frame-0000.png', 'frame-0001.png', 'run.json']);
    const report = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.deepEqual(report.precision, {
      requested: 'fp32',
      used: 'fp32',
      reason: 'fp32 requested',
    });
    assert.ok(report.peakRssMb > 0);
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--precision', 'int4', '--out', out]),
      /int4/,
    );
  });

  test("--precision decides the frames: fp32 matches the engine's fp32 decode, int8 differs", async (t) => {
    const run = async (precision: 'fp32' | 'int8') => {
      const out = join(scratch, `pixels-${precision}`);
      const result = await cli([
        'interpolate',
        astronaut,
        rocket,
        '--steps',
        '3',
        '--size',
        '64x64',
        '--seed',
        '5',
        '--precision',
        precision,
        '--no-cache',
        '--out',
        out,
      ]);
      return { out, result };
    };
    const fp32 = await run('fp32');
    assert.equal(fp32.result.code, 0, fp32.result.stderr);
    const int8 = await run('int8');
    // Explicit int8 needs TAE weights and calibration photos (the engine refuses it without them).
    if (int8.result.code !== 0 && /calibration/.test(int8.result.stderr)) {
      t.skip(`int8 unavailable here: ${int8.result.stderr.trim()}`);
      return;
    }
    assert.equal(int8.result.code, 0, int8.result.stderr);
    assert.equal(
      JSON.parse(await readFile(join(int8.out, 'run.json'), 'utf8')).precision.used,
      'int8',
    );

    const pixels = (input: string | Buffer) => sharp(input).raw().toBuffer();
    const engine = new Engine({ locations: loadModelLocations({}), intraOpThreads: 2 });
    const params = parseRunParams(
      {
        model: 'taef2',
        keyframes: [astronaut, rocket],
        steps: 3,
        width: 64,
        height: 64,
        seed: 5,
        precision: 'fp32',
      },
      DEFAULT_RUN_LIMITS,
    );
    const sources = [astronaut, rocket].map((path) => ({
      sha256: path,
      read: () => readFile(path),
    }));
    try {
      for await (const frame of engine.render(renderSpec(params, sources))) {
        const name = `frame-${String(frame.index).padStart(4, '0')}.png`;
        const reference = await pixels(await tensorToImage(frame.rgb, 'png'));
        const [cliFp32, cliInt8] = await Promise.all([
          pixels(join(fp32.out, name)),
          pixels(join(int8.out, name)),
        ]);
        assert.ok(
          cliFp32.equals(reference),
          `${name}: --precision fp32 is the engine's fp32 frame`,
        );
        assert.ok(
          !cliInt8.equals(cliFp32),
          `${name}: --precision int8 gives other pixels than fp32`,
        );
      }
    } finally {
      await engine.close();
    }
  });

  test('--method spline --spacing arc-length render and are recorded in run.json', async () => {
    const out = join(scratch, 'spline');
    const result = await cli([
      'interpolate',
      astronaut,
      rocket,
      astronaut,
      '--steps',
      '4',
      '--size',
      '64x64',
      '--method',
      'spline',
      '--spacing',
      'arc-length',
      '--no-cache',
      '--out',
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(report.method, 'spline');
    assert.equal(report.spacing, 'arc-length');
    assert.deepEqual(
      report.frames.map((frame: { alpha: number }) => frame.alpha > 0 && frame.alpha < 1),
      [false, true, true, false],
    );
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--spacing', 'even', '--out', out]),
      /even/,
    );
  });

  test('--help documents every option', async () => {
    const result = await cli(['interpolate', '--help']);
    assert.equal(result.code, 0);
    for (const option of [
      '--steps',
      '--method',
      '--easing',
      '--noise',
      '--noise-mode',
      '--schedule',
      '--shared-noise',
      '--seed',
      '--size',
      '--fit',
      '--model',
      '--format',
      '--fps',
      '--out',
      '--threads',
      '--precision',
      '--spacing',
      '--webp',
      '--gif',
      '--contact-sheet',
      '--animations',
    ]) {
      assert.ok(result.stdout.includes(option), `${option} not in --help`);
    }
  });

  test('bad arguments give one clear line and a non-zero exit', async () => {
    const out = join(scratch, 'bad');
    assertCleanError(await cli(['interpolate', astronaut]), /at least 2 keyframe images/);
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--steps', '1', '--out', out]),
      /steps/,
    );
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--steps', 'ten']),
      /steps.*not an integer/,
    );
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--size', '100x100', '--out', out]),
      /multiple of 8/,
    );
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--noise', '-1', '--out', out]),
      /noise/,
    );
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--max-input-pixels', '100000', '--out', out]),
      /astronaut\.png: .*262144 pixels.*100000/,
    );
    assertCleanError(
      await cli([
        'interpolate',
        astronaut,
        rocket,
        '--steps',
        '20',
        '--max-steps',
        '16',
        '--out',
        out,
      ]),
      /steps.*16/,
    );
    assertCleanError(
      await cli([
        'interpolate',
        astronaut,
        rocket,
        '--size',
        '1024x1024',
        '--max-side',
        '512',
        '--out',
        out,
      ]),
      /512/,
    );
    assertCleanError(await cli(['interpolate', astronaut, rocket, '--method', 'cubic']), /cubic/);
    assertCleanError(
      await cli(['interpolate', astronaut, rocket, '--model', 'nope', '--out', out]),
      /unknown model.*nope/i,
    );
  });

  test('unreadable, empty, corrupt and non-image inputs are named', async () => {
    const empty = join(scratch, 'empty.png');
    const text = join(scratch, 'notes.png');
    const truncated = join(scratch, 'truncated.png');
    await writeFile(empty, '');
    await writeFile(text, 'just some text, not an image');
    const png = await readFile(astronaut);
    await writeFile(truncated, png.subarray(0, png.length >> 1));
    const out = join(scratch, 'bad-inputs');
    assertCleanError(
      await cli(['interpolate', join(scratch, 'missing.png'), rocket, '--out', out]),
      /cannot read .*missing\.png/,
    );
    assertCleanError(
      await cli(['interpolate', empty, rocket, '--out', out]),
      /empty\.png: .*empty/,
    );
    assertCleanError(
      await cli(['interpolate', text, rocket, '--out', out]),
      /notes\.png: .*not a supported image/,
    );
    assertCleanError(
      await cli(['interpolate', truncated, rocket, '--out', out]),
      /truncated\.png: .*(truncated|corrupt)/,
    );
  });

  test('missing weights with no network is one clear line', async () => {
    const result = await cli(
      ['interpolate', astronaut, rocket, '--size', '64x64', '--out', join(scratch, 'offline')],
      {
        LATENT_LAB_MODELS_DIR: join(scratch, 'no-models'),
        LATENT_LAB_MODELS_MIRROR: join(scratch, 'no-mirror'),
        LATENT_LAB_OFFLINE: '1',
      },
    );
    assertCleanError(result, /taef2/);
  });
});

describe('the latent-lab executable', () => {
  /** Runs the bin as a command (its shebang line, as `npx latent-lab` does) with the probe preloaded. */
  async function probe(tunables: string | undefined) {
    const preload = join(scratch, 'huge-pages-probe.cjs');
    await writeFile(preload, HUGE_PAGES_PROBE);
    const result = await run(bin, ['--help'], {
      GLIBC_TUNABLES: tunables,
      NODE_OPTIONS: `--require ${preload}`,
    });
    assert.equal(result.code, 0, result.stderr);
    return parseProbe(result.stdout);
  }

  test("asks glibc's malloc for transparent huge pages; a caller's own GLIBC_TUNABLES wins", async () => {
    const mode = await transparentHugePageMode();
    const asked = await probe(undefined);
    assert.equal(asked.tunables, 'glibc.malloc.hugetlb=1:');
    if (mode !== 'never')
      assert.ok(asked.anonHugeKb >= 32 * 1024, `${asked.anonHugeKb} kB in huge pages`);

    const declined = await probe('glibc.malloc.hugetlb=0');
    assert.equal(declined.tunables, 'glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0');
    // Under `always` the kernel gives huge pages whatever malloc asks.
    if (mode === 'madvise')
      assert.equal(declined.anonHugeKb, 0, 'the later setting turned them off');
  });
});

describe('latent-lab models', () => {
  test('list shows taef2 available and taesd known', async () => {
    const result = await cli(['models', 'list']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^taef2 .*available$/m);
    assert.match(result.stdout, /^taesd /m);
  });

  test('verify checks the taef2 weights', async () => {
    const result = await cli(['models', 'verify', 'taef2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /taef2 .* ok/);
  });

  test('fetch of a model with local weights verifies them', async () => {
    const result = await cli(['models', 'fetch', 'taef2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /verified/);
  });
});
