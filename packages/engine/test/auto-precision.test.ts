// `auto` precision is measured, not assumed: both decoders are timed once on this CPU, the faster
// one is used, and the measurement is kept (structure only: which precision wins here is not asserted).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  cpuIdentity,
  measurementsPath,
  type PrecisionMeasurement,
} from '../src/models/auto-precision.ts';
import { loadVae, type WeightLocations } from '../src/models/index.ts';

const shared = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const VNNI = { fast: true, flags: ['avx512_vnni'] };

test('auto times int8 and fp32 once, keeps the measurement and uses the faster', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'latent-lab-auto-'));
  try {
    const locations: WeightLocations = {
      manifestsDir: fileURLToPath(new URL('../../../models', import.meta.url)),
      modelsDir: scratch,
      mirrorDir: join(shared, 'models'),
      allowDownload: false,
    };
    const load = async () => {
      const vae = await loadVae('taef2', { locations, precision: 'auto', cpu: VNNI });
      await vae.close();
      return vae;
    };
    const first = await load();
    assert.match(first.precisionReason, /measured now/);
    const path = measurementsPath(join(scratch, 'calibration'));
    const kept = JSON.parse(await readFile(path, 'utf8')) as Record<string, PrecisionMeasurement>;
    const [key] = Object.keys(kept);
    assert.equal(Object.keys(kept).length, 1);
    const measured = kept[key!]!;
    assert.ok(measured.fp32Ms > 0 && measured.int8Ms > 0);
    assert.equal(first.precision, measured.int8Ms < measured.fp32Ms ? 'int8' : 'fp32');
    console.log(`auto here: ${first.precision} (${first.precisionReason})`);

    // The kept measurement decides from now on, whichever way it points.
    for (const [int8Ms, expected] of [
      [1, 'int8'],
      [1000, 'fp32'],
    ] as const) {
      await writeFile(path, JSON.stringify({ [key!]: { fp32Ms: 10, int8Ms } }));
      const vae = await load();
      assert.equal(vae.precision, expected);
      assert.match(vae.precisionReason, /measured before/);
      assert.equal(vae.calibrationSource, expected === 'int8' ? 'shipped' : null);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test('a kept measurement belongs to one CPU: same name, other generation or flags, other key', () => {
  const cpuinfo = (family: number, model: number, flags: string) =>
    [0, 1]
      .map(
        (processor) =>
          `processor\t: ${processor}\nvendor_id\t: AuthenticAMD\ncpu family\t: ${family}\n` +
          `model\t\t: ${model}\nmodel name\t: AMD EPYC\nflags\t\t: ${flags}\n`,
      )
      .join('\n');
  const zen3 = cpuIdentity(cpuinfo(25, 1, 'fpu sse2 avx2'));
  const zen5 = cpuIdentity(cpuinfo(26, 2, 'fpu sse2 avx2 avx512f avx512_vnni'));
  assert.match(zen3, /^AMD EPYC family 25 model 1 flags [0-9a-f]{12}$/);
  assert.notEqual(zen3, zen5);
  assert.notEqual(zen3, cpuIdentity(cpuinfo(25, 1, 'fpu sse2 avx2 avx_vnni')));
  assert.equal(zen3, cpuIdentity(cpuinfo(25, 1, 'fpu sse2 avx2')));
});
