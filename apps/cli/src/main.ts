import { randomInt } from 'node:crypto';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_RUN_LIMITS,
  DomainError,
  EASINGS,
  FIT_MODES,
  FRAME_FORMATS,
  INTERPOLATION_METHODS,
  MAX_SEED,
  NOISE_MODES,
  NOISE_SCHEDULES,
} from '@latent-lab/domain';
import { DEFAULT_IMAGE_LIMITS } from '@latent-lab/engine';
import { interpolate, type InterpolateOptions } from './interpolate.ts';
import { fetchModel, listModels, verifyModels } from './models.ts';

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('not an integer.');
  return parsed;
}

function number(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || Number.isNaN(parsed)) throw new InvalidArgumentError('not a number.');
  return parsed;
}

const defaultCacheDir = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'latent-lab',
  'latents',
);

const program = new Command()
  .name('latent-lab')
  .description('Walk the latent space between real images: encode, interpolate, add noise, decode.')
  .exitOverride()
  .configureOutput({ outputError: () => {} });

program
  .command('interpolate')
  .description('encode the images, walk between their latents and decode every frame')
  .argument('<images...>', 'two or more keyframe images (PNG, JPEG, WebP), in path order')
  .option('-n, --steps <n>', 'number of frames, endpoints included (2-1000)', integer, 10)
  .addOption(
    new Option('--method <method>', 'interpolation').choices(INTERPOLATION_METHODS).default('lerp'),
  )
  .addOption(new Option('--easing <curve>', 'timing curve').choices(EASINGS).default('linear'))
  .option('--noise <level>', 'noise level (0 = clean interpolation)', number, 0)
  .addOption(
    new Option(
      '--noise-mode <mode>',
      'absolute: latent units; relative: multiples of the latent std',
    )
      .choices(NOISE_MODES)
      .default('absolute'),
  )
  .addOption(
    new Option('--schedule <schedule>', 'noise level across frames')
      .choices(NOISE_SCHEDULES)
      .default('constant'),
  )
  .option('--shared-noise', 'one noise field for every frame (temporally coherent)', false)
  .option('--seed <seed>', 'noise seed, 0 to 4294967295 (default: random, printed)', integer)
  .option('--size <WxH>', 'frame size, multiples of 8', '512x512')
  .addOption(
    new Option('--fit <mode>', 'how images meet the frame size')
      .choices(FIT_MODES)
      .default('cover'),
  )
  .option('--model <id>', 'model id (see: latent-lab models list)', 'taef2')
  .addOption(
    new Option('--format <format>', 'frame image format').choices(FRAME_FORMATS).default('png'),
  )
  .addOption(
    new Option(
      '--precision <precision>',
      'model arithmetic: auto = int8 on CPUs with VNNI/AMX for models that pass the int8 quality gate',
    )
      .choices(['auto', 'fp32', 'int8'])
      .default('auto'),
  )
  .option('--webp', 'also write animation.webp (after the frames)', false)
  .option('--gif', 'also write animation.gif (after the frames)', false)
  .option('--contact-sheet', 'also write contact-sheet.png (after the frames)', false)
  .option('--animations', 'all three: --webp --gif --contact-sheet', false)
  .option('--fps <n>', 'animation frames per second', number, 10)
  .option('--ping-pong', 'animation plays forward then backward', false)
  .option('-o, --out <dir>', 'output folder', 'out')
  .option(
    '--threads <n>',
    'onnxruntime intra-op threads',
    integer,
    Math.min(2, availableParallelism()),
  )
  .option(
    '--max-input-pixels <n>',
    'largest accepted input image, in pixels',
    integer,
    DEFAULT_IMAGE_LIMITS.maxInputPixels,
  )
  .option('--max-steps <n>', 'largest accepted --steps', integer, DEFAULT_RUN_LIMITS.maxSteps)
  .option('--max-side <n>', 'largest accepted frame side', integer, DEFAULT_RUN_LIMITS.maxSide)
  .option(
    '--max-noise <level>',
    'largest accepted --noise',
    number,
    DEFAULT_RUN_LIMITS.maxNoiseLevel,
  )
  .option('--cache-dir <dir>', 'where encoded latents are cached', defaultCacheDir)
  .option('--no-cache', 'encode every image again')
  .action(
    async (
      images: string[],
      options: Omit<InterpolateOptions, 'images' | 'seed'> & { seed?: number },
    ) => {
      // Any seed of the CLI can be given to the API and the dashboard too (0 to 2^32-1).
      await interpolate({ ...options, images, seed: options.seed ?? randomInt(0, MAX_SEED + 1) });
    },
  );

const models = program.command('models').description('list, fetch and verify model weights');
models
  .command('list')
  .description('the known models and whether their weights are here')
  .action(listModels);
models
  .command('fetch')
  .description("find or download a model's weights, verifying their sha256")
  .argument('<id>', 'model id')
  .action(fetchModel);
models
  .command('verify')
  .description('check the sha256 of every weight file found locally')
  .argument('[id]', 'only this model')
  .action(verifyModels);

function fail(message: string, exitCode: number): never {
  process.stderr.write(`latent-lab: ${message}\n`);
  process.exit(exitCode);
}

try {
  await program.parseAsync(process.argv);
  // onnxruntime's thread pool can keep the process alive; the work is done.
  process.exit(0);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) process.exit(0);
    fail(error.message.replace(/^error: /, ''), 2);
  }
  if (error instanceof DomainError) fail(error.message, 1);
  if (process.env.LATENT_LAB_DEBUG) console.error(error);
  fail(error instanceof Error ? error.message : String(error), 1);
}
