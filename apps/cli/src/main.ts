import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadCliConfig, type CliConfig } from '@latent-lab/config';
import {
  DEFAULT_RUN_LIMITS,
  DomainError,
  FRAME_FORMATS,
  MAX_SEED,
  optionMax,
  RUN_OPTIONS,
  setOptionValue,
  type RunOption,
} from '@latent-lab/domain';
import { DEFAULT_IMAGE_LIMITS } from '@latent-lab/engine';
import { interpolate, type InterpolateOptions } from './interpolate.ts';
import {
  calibrateModelCommand,
  fetchModel,
  listModels,
  verifyModels,
  type CalibrateOptions,
} from './models.ts';

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

/** One option of the table as a flag: its help, choices, bounds and default. */
function runOptionFlag(option: RunOption, flag: string): Option {
  if (option.kind === 'boolean') return new Option(flag, option.help).default(option.default);
  if (option.kind === 'choice')
    return new Option(flag, option.help).choices(option.values).default(option.default);
  const max = optionMax(option, DEFAULT_RUN_LIMITS);
  const parsed = new Option(flag, `${option.help} (${option.min} to ${max})`).argParser(
    option.kind === 'integer' ? integer : number,
  );
  const fallback = option.default ?? option.cliDefault;
  return fallback === undefined ? parsed : parsed.default(fallback);
}

// The entry point reads the environment once; everything below takes what it needs from here.
let config: CliConfig;
try {
  config = loadCliConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message, 2);
}

const program = new Command()
  .name('latent-lab')
  .description('Walk the latent space between real images: encode, interpolate, add noise, decode.')
  .exitOverride()
  .configureOutput({ outputError: () => {} });

/** The run options with a flag of their own, from the domain's option table. */
const runOptionFlags = (RUN_OPTIONS as readonly RunOption[]).flatMap((option) =>
  option.flag ? [[option, runOptionFlag(option, option.flag)] as const] : [],
);

const interpolateCommand = program
  .command('interpolate')
  .description('encode the images, walk between their latents and decode every frame')
  .argument('<images...>', 'two or more keyframe images (PNG, JPEG, WebP), in path order');
for (const [, flag] of runOptionFlags) interpolateCommand.addOption(flag);
interpolateCommand
  .option('--size <WxH>', 'frame size, multiples of 8', '512x512')
  .option('--model <id>', 'model id (see: latent-lab models list)', 'taef2')
  .addOption(
    new Option('--format <format>', 'frame image format').choices(FRAME_FORMATS).default('png'),
  )
  .option('--webp', 'also write animation.webp (after the frames)', false)
  .option('--gif', 'also write animation.gif (after the frames)', false)
  .option('--contact-sheet', 'also write contact-sheet.png (after the frames)', false)
  .option('--animations', 'all three: --webp --gif --contact-sheet', false)
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
  .option('--cache-dir <dir>', 'where encoded latents are cached', config.latentCacheDir)
  .option('--no-cache', 'encode every image again')
  .action(async (images: string[], options: Record<string, unknown>) => {
    const params: Record<string, unknown> = {};
    for (const [option, flag] of runOptionFlags)
      setOptionValue(params, option, options[flag.attributeName()]);
    // Any seed of the CLI can be given to the API and the dashboard too (0 to 2^32-1).
    params.seed ??= randomInt(0, MAX_SEED + 1);
    await interpolate({
      ...(options as Omit<InterpolateOptions, 'images' | 'params' | 'locations'>),
      images,
      params,
      locations: config.models,
    });
  });

const models = program.command('models').description('list, fetch and verify model weights');
models
  .command('list')
  .description('the known models and whether their weights are here')
  .action(() => listModels(config.models));
models
  .command('fetch')
  .description("find or download a model's weights, verifying their sha256")
  .argument('<id>', 'model id')
  .action((id: string) => fetchModel(config.models, id));
models
  .command('verify')
  .description('check the sha256 of every weight file found locally')
  .argument('[id]', 'only this model')
  .action((id?: string) => verifyModels(config.models, id));
models
  .command('calibrate')
  .description("compute a model's int8 calibration for its weights (models/<id>.calibration.json)")
  .argument('<id>', 'model id')
  .option('--images <folder>', 'calibration photos (default: images/ beside the weights mirror)')
  .option('--photos <names>', 'only these photos of the folder, comma-separated')
  .option('--out <file>', 'where to write it (default: models/<id>.calibration.json)')
  .option('--threads <n>', 'onnxruntime threads', '2')
  .action((id: string, options: CalibrateOptions) =>
    calibrateModelCommand(config.models, id, options),
  );

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
  if (config.debug) console.error(error);
  fail(error instanceof Error ? error.message : String(error), 1);
}
