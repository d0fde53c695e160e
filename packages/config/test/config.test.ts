import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  ENV_DEFAULTS,
  loadCliConfig,
  loadConfig,
  loadDatabaseConfig,
} from '../src/index.ts';

test('an empty environment gives the documented defaults', () => {
  const config = loadConfig({});
  assert.equal(config.port, 4000);
  assert.equal(config.databaseUrl, null, 'no DATABASE_URL means embedded PGlite');
  assert.equal(config.dataDir, resolve('./data'));
  assert.equal(config.workerConcurrency, 1);
  assert.equal(config.workerInProcess, true);
  assert.equal(config.renderReleaseAbovePixels, 1024 * 1024);
  assert.equal(config.renderJobPollSeconds, 2);
  assert.equal(config.renderJobRetryLimit, 20);
  assert.equal(config.maxInputPixels, 40e6);
  assert.equal(config.limits.maxSteps, 1000);
  assert.equal(config.limits.maxSide, 2048);
  assert.equal(config.intraOpThreads, availableParallelism(), 'one render uses every core');
  assert.equal(config.serveDashboard, true);
  assert.equal(ENV_DEFAULTS.PORT, '4000');
  assert.equal(config.limits.maxNoiseLevel, 10);
  assert.deepEqual(config.sockets, { maxSubscriptionsPerSocket: 50, maxSocketsPerUser: 20 });
  assert.ok(config.models.manifestsDir.endsWith('models'));
});

test('values are parsed and validated, and errors name the variable', () => {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
    WORKER_IN_PROCESS: 'false',
    WORKER_CONCURRENCY: '3',
    INTRA_OP_THREADS: '2',
    LOG_LEVEL: 'silent',
    RENDER_RELEASE_ABOVE_PIXELS: '0',
  });
  assert.equal(config.port, 0);
  assert.equal(config.renderReleaseAbovePixels, 0, 'release after every run');
  assert.equal(config.databaseUrl, 'postgresql://postgres@127.0.0.1:5432/test');
  assert.equal(config.workerInProcess, false);
  assert.equal(config.workerConcurrency, 3);
  assert.equal(config.intraOpThreads, 2);
  assert.equal(
    loadConfig({ WORKER_CONCURRENCY: String(availableParallelism() * 2) }).intraOpThreads,
    1,
    'concurrent renders share the cores, at least one thread each',
  );

  const bad: [string, string][] = [
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['WORKER_CONCURRENCY', '0'],
    ['WORKER_IN_PROCESS', 'maybe'],
    ['MAX_STEPS', '1.5'],
    ['MAX_UPLOAD_BYTES', ''],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['MAX_NOISE_LEVEL', '-1'],
    ['MAX_PAGE_SIZE', '0'],
    ['WS_MAX_SUBSCRIPTIONS', '0'],
    ['WS_MAX_SOCKETS_PER_USER', 'many'],
    ['RENDER_RELEASE_ABOVE_PIXELS', '-1'],
    ['RENDER_JOB_POLL_SECONDS', '0'],
    ['RENDER_JOB_RETRY_LIMIT', '-1'],
  ];
  for (const [name, value] of bad) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: unknown) => error instanceof ConfigError && error.message.includes(name),
      `${name}=${value}`,
    );
  }
});

test('PUBLIC_URL and the sign-in limits: defaults, parsing and refusals', () => {
  const defaults = loadConfig({}).auth;
  assert.equal(defaults.publicUrl, null, 'unset: links use the server’s own URL');
  assert.equal(defaults.signinAttempts, 10);
  assert.equal(defaults.signinAddressAttempts, 50);
  const set = loadConfig({
    PUBLIC_URL: ' https://lab.example.com/ ',
    SIGNIN_ADDRESS_ATTEMPTS: '7',
  });
  assert.equal(set.auth.publicUrl, 'https://lab.example.com');
  assert.equal(set.auth.signinAddressAttempts, 7);
  assert.equal(defaults.trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: '1' }).auth.trustProxy, 1);
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).auth.trustProxy, true);
  assert.equal(
    loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).auth.trustProxy,
    '10.0.0.0/8, loopback',
  );
  for (const [name, value] of [
    ['PUBLIC_URL', 'lab.example.com'],
    ['PUBLIC_URL', 'ftp://lab.example.com'],
    ['SIGNIN_ADDRESS_ATTEMPTS', '0'],
    ['TRUST_PROXY', 'yes please'],
  ]) {
    assert.throws(
      () => loadConfig({ [name!]: value }),
      (error: unknown) => error instanceof ConfigError && error.message.includes(name!),
      `${name}=${value}`,
    );
  }
});

test('the CLI and the migrate script read their part of the environment here too', () => {
  const cli = loadCliConfig({ XDG_CACHE_HOME: '/tmp/xdg', LATENT_LAB_DEBUG: '1' });
  assert.equal(cli.latentCacheDir, '/tmp/xdg/latent-lab/latents');
  assert.equal(cli.debug, true);
  assert.equal(loadCliConfig({ HOME: '/home/x' }).debug, false);
  assert.throws(() => loadCliConfig({ LATENT_LAB_DEBUG: 'maybe' }), /LATENT_LAB_DEBUG/);
  assert.deepEqual(loadDatabaseConfig({ DATA_DIR: '/srv/data' }), {
    databaseUrl: null,
    dataDir: '/srv/data',
  });
});
