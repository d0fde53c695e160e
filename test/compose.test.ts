// docker-compose.yml cannot run here (no Docker engine): check that its services, ports, variables,
// volumes, commands and health checks agree with the app's configuration and scripts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ENV_DEFAULTS, loadConfig } from '@latent-lab/config';
import { REPO_DIR } from './helpers/api.ts';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
}

const compose = parse(await readFile(join(REPO_DIR, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const rootScripts = (
  JSON.parse(await readFile(join(REPO_DIR, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
const APP_SERVICES = ['api', 'worker', 'dashboard'];
const KNOWN_VARIABLES = new Set<string>(Object.keys(ENV_DEFAULTS));

test('compose has PostgreSQL, the API, workers and the dashboard, each with a health check', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), [
    'api',
    'dashboard',
    'postgres',
    'worker',
  ]);
  for (const [name, service] of Object.entries(compose.services)) {
    assert.ok(service.healthcheck?.test?.length, `${name} has a health check`);
  }
  assert.match(compose.services.postgres!.image ?? '', /^postgres:15/);
  assert.ok((compose.services.worker!.deploy?.replicas ?? 1) >= 1);
  assert.ok(compose.volumes && 'data' in compose.volumes && 'models' in compose.volumes);
});

test('every app variable is one the app reads, and every value passes its validation', () => {
  for (const name of APP_SERVICES) {
    const environment = compose.services[name]!.environment ?? {};
    for (const variable of Object.keys(environment)) {
      assert.ok(KNOWN_VARIABLES.has(variable), `${name}: ${variable} is not read by the app`);
    }
    assert.doesNotThrow(() => loadConfig(environment), `${name}: configuration is valid`);
  }
});

test('ports, database URL, volumes and commands agree with the configuration', () => {
  const postgres = compose.services.postgres!.environment!;
  for (const name of APP_SERVICES) {
    const service = compose.services[name]!;
    const config = loadConfig(service.environment ?? {});
    const url = new URL(config.databaseUrl ?? '');
    assert.equal(url.hostname, 'postgres', `${name} connects to the postgres service`);
    assert.equal(url.username, postgres.POSTGRES_USER);
    assert.equal(url.password, postgres.POSTGRES_PASSWORD);
    assert.equal(url.pathname, `/${postgres.POSTGRES_DB}`);
    assert.equal(service.depends_on?.postgres?.condition, 'service_healthy');

    const mounts = new Map(
      (service.volumes ?? [])
        .map((mount) => mount.split(':') as [string, string])
        .map(([volume, path]) => [path, volume]),
    );
    assert.equal(mounts.get(config.dataDir), 'data', `${name} keeps DATA_DIR on the data volume`);
    assert.equal(
      mounts.get(service.environment!.LATENT_LAB_MODELS_DIR!),
      'models',
      `${name} keeps weights on the models volume`,
    );

    const command = service.command ?? [];
    const script = command[0] === 'npm' && command[1] === 'start' ? 'start' : command[2];
    assert.ok(
      script && rootScripts[script],
      `${name} runs an existing npm script (${command.join(' ')})`,
    );
  }
  for (const name of ['api', 'dashboard']) {
    const service = compose.services[name]!;
    const config = loadConfig(service.environment ?? {});
    assert.deepEqual(
      service.ports,
      [`${config.port}:${config.port}`],
      `${name} publishes its PORT`,
    );
    assert.equal(config.workerInProcess, false, `${name} leaves rendering to the worker service`);
    assert.ok(
      service.healthcheck!.test.join(' ').includes(`:${config.port}/health`),
      `${name} health check uses its PORT`,
    );
  }
  assert.equal(loadConfig(compose.services.dashboard!.environment ?? {}).serveDashboard, true);
  assert.equal(compose.services.worker!.command?.join(' '), 'npm run worker');
  assert.equal(rootScripts.worker, 'tsx apps/server/src/worker.ts');
  assert.equal(rootScripts.start, 'tsx apps/server/src/main.ts');
});
