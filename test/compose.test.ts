// docker-compose.yml and the Dockerfile as text (test/image.test.ts and test/compose-stack.test.ts
// build and run them): check that their services, variables, credentials, dependencies, commands
// and health checks agree with the app's configuration, package.json and the compiled output
// (npm run build), and let Compose itself validate the file where `docker-compose` is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ENV_DEFAULTS, loadConfig } from '@latent-lab/config';
import { COMPILED_WORKSPACES, REPO_DIR } from './helpers/api.ts';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  restart?: string;
  profiles?: string[];
}

const read = (path: string) => readFile(join(REPO_DIR, path), 'utf8');
const composeSource = await read('docker-compose.yml');
const dockerfile = await read('Dockerfile');
const rootPackage = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
const rootScripts = rootPackage.scripts;
const buildConfig = JSON.parse(await read('tsconfig.build.json')) as { include: string[] };
const workspaceManifests = await Promise.all(
  COMPILED_WORKSPACES.map(
    async (workspace) =>
      [
        workspace,
        JSON.parse(await read(`${workspace}/package.json`)) as {
          exports: Record<string, Record<string, string>>;
        },
      ] as const,
  ),
);

/** The variables of .env.example, as `docker compose` would read them from a copied .env. */
const dotenv = new Map(
  (await read('.env.example'))
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
    .flatMap((match) => (match ? [[match[1]!, match[2]!] as const] : [])),
);

const referenced = new Set<string>();
/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, and $$ for a literal $. */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?:(:?-)([^}]*))?\}/g,
    (whole: string, name: string, operator: string | undefined, fallback: string) => {
      if (whole === '$$') return '$';
      referenced.add(name);
      const set = dotenv.get(name);
      if (operator === ':-') return set ? set : fallback;
      if (operator === '-') return set ?? fallback;
      return set ?? '';
    },
  );
}
function interpolateAll(node: unknown): unknown {
  if (typeof node === 'string') return interpolate(node);
  if (Array.isArray(node)) return node.map(interpolateAll);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v)]));
  }
  return node;
}

const compose = interpolateAll(parse(composeSource, { merge: true })) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
/** Long-running processes of the app's image. */
const APP_SERVICES = ['api', 'worker', 'dashboard'];
const ONE_SHOTS = ['minio-init', 'migrate'];
/** The image every app process runs (built from the Dockerfile). */
const APP_IMAGE = services.api!.image;

const KNOWN_VARIABLES = new Set<string>(Object.keys(ENV_DEFAULTS));

/** The condition under which workspaces export their compiled dist/ (see scripts/build.mjs). */
const DIST_CONDITION = 'latent-lab-dist';

/**
 * The TypeScript source that `npm run build` compiles into a dist/ path, or undefined when the
 * path is not one of its outputs: <workspace>/dist/X.js comes from <workspace>/src/X.ts and
 * <workspace>/dist/scripts/X.js from <workspace>/scripts/X.ts, each listed in tsconfig.build.json.
 */
function builtFrom(path: string): string | undefined {
  const match = /^((?:packages|apps)\/[^/]+)\/dist\/(.+)\.js$/.exec(path);
  if (!match) return undefined;
  const [, workspace, rest] = match;
  const source = rest!.startsWith('scripts/')
    ? `${workspace}/${rest}.ts`
    : `${workspace}/src/${rest}.ts`;
  const included = buildConfig.include.some(
    (entry) => source === entry || source.startsWith(`${entry}/`),
  );
  return included && existsSync(join(REPO_DIR, source)) ? source : undefined;
}

/** Checks that a command run in the app's image is a compiled entry point or an npm script. */
function assertRunnable(command: string[], where: string): void {
  if (command[0] === 'npm') {
    const script = command[1] === 'start' ? 'start' : command[1] === 'run' ? command[2] : '';
    assert.ok(script && rootScripts[script], `${where}: npm script in package.json (${command})`);
    return;
  }
  assert.equal(command[0], 'node', `${where}: runs node (${command.join(' ')})`);
  if (command[1] === '-e') return;
  const entry = command[1] ?? '';
  assert.ok(builtFrom(entry), `${where}: ${entry} is an output of npm run build`);
}

test('compose has PostgreSQL, MinIO and its bucket, the migration, API, workers and dashboard', () => {
  assert.deepEqual(Object.keys(services).sort(), [
    'api',
    'dashboard',
    'migrate',
    'minio',
    'minio-init',
    'postgres',
    'prometheus',
    'worker',
  ]);
  for (const [name, service] of Object.entries(services)) {
    if (ONE_SHOTS.includes(name)) {
      assert.equal(service.restart, 'no', `${name} is a one-shot`);
    } else {
      assert.ok(service.healthcheck?.test?.length, `${name} has a health check`);
    }
  }
  assert.match(services.postgres!.image ?? '', /^postgres:15/);
  assert.match(services.minio!.image ?? '', /minio/);
  for (const name of [...APP_SERVICES, 'migrate']) {
    assert.equal(services[name]!.image, APP_IMAGE, `${name} runs the app's image`);
    assert.equal(services[name]!.build, '.', `${name} builds it from the Dockerfile`);
  }
  assert.ok((services.worker!.deploy?.replicas ?? 1) >= 1);
  for (const volume of ['pgdata', 'objects', 'models']) assert.ok(volume in compose.volumes);
});

test('API processes and workers start after the migration and the bucket, once', () => {
  for (const name of APP_SERVICES) {
    assert.deepEqual(
      services[name]!.depends_on,
      {
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        'minio-init': { condition: 'service_completed_successfully' },
      },
      name,
    );
  }
  assert.deepEqual(services.migrate!.depends_on, { postgres: { condition: 'service_healthy' } });
  assert.deepEqual(services['minio-init']!.depends_on, {
    minio: { condition: 'service_healthy' },
  });
  assert.equal(
    services.migrate!.environment?.DATABASE_URL,
    services.api!.environment?.DATABASE_URL,
    'the migration runs on the database the app uses',
  );
});

test('every app variable is one the app reads, and every value passes its validation', () => {
  for (const name of APP_SERVICES) {
    const environment = services[name]!.environment ?? {};
    for (const variable of Object.keys(environment)) {
      assert.ok(KNOWN_VARIABLES.has(variable), `${name}: ${variable} is not read by the app`);
    }
    assert.doesNotThrow(() => loadConfig(environment), `${name}: configuration is valid`);
  }
});

test('credentials come from .env, and the app uses the ones PostgreSQL and the bucket grant', () => {
  // In the file itself every secret is a ${VARIABLE}, never a literal.
  const raw = parse(composeSource, { merge: true }) as { services: Record<string, Service> };
  for (const [name, service] of Object.entries(raw.services)) {
    for (const [variable, value] of Object.entries(service.environment ?? {})) {
      if (/PASSWORD|SECRET|_USER$|ACCESS_KEY|DATABASE_URL/.test(variable)) {
        assert.match(String(value), /\$\{[A-Z_]+\}/, `${name}: ${variable} comes from .env`);
      }
    }
  }
  for (const variable of referenced) {
    const hasDefault = new RegExp(`\\$\\{${variable}:?-`).test(composeSource);
    assert.ok(hasDefault || dotenv.has(variable), `.env.example defines ${variable}`);
  }
  const ignored = spawnSync('git', ['check-ignore', '-q', '.env'], { cwd: REPO_DIR });
  assert.equal(ignored.status, 0, '.env is git-ignored');

  const postgres = services.postgres!.environment!;
  const init = services['minio-init']!.environment!;
  for (const name of APP_SERVICES) {
    const environment = services[name]!.environment!;
    const url = new URL(loadConfig(environment).databaseUrl ?? '');
    assert.equal(url.hostname, 'postgres', `${name} connects to the postgres service`);
    assert.equal(url.username, postgres.POSTGRES_USER);
    assert.equal(url.password, postgres.POSTGRES_PASSWORD);
    assert.equal(url.pathname, `/${postgres.POSTGRES_DB}`);
    assert.equal(environment.S3_ENDPOINT, 'http://minio:9000', `${name} uses the minio service`);
    assert.equal(environment.S3_BUCKET, init.S3_BUCKET, `${name} uses the bucket minio-init makes`);
    assert.equal(environment.AWS_ACCESS_KEY_ID, init.AWS_ACCESS_KEY_ID);
    assert.equal(environment.AWS_SECRET_ACCESS_KEY, init.AWS_SECRET_ACCESS_KEY);
    assert.notEqual(
      environment.AWS_ACCESS_KEY_ID,
      services.minio!.environment!.MINIO_ROOT_USER,
      `${name} does not use MinIO's root user`,
    );
  }
});

test('every command the compose file runs is an npm script or an output of npm run build', () => {
  for (const [name, service] of Object.entries(services)) {
    if (service.image !== APP_IMAGE) continue;
    assertRunnable(service.command ?? [], `${name} command`);
    const check = service.healthcheck?.test ?? [];
    if (check[0] === 'CMD') assertRunnable(check.slice(1), `${name} health check`);
  }
  assert.deepEqual(services.worker!.command, ['node', 'apps/server/dist/worker.js']);
  assert.deepEqual(services.migrate!.command, ['node', 'packages/db/dist/scripts/migrate.js']);
  // The same compiled entry points as the package.json scripts that run them outside Docker.
  const prod = `node --conditions=${DIST_CONDITION}`;
  assert.equal(rootScripts['start:prod'], `${prod} apps/server/dist/main.js`);
  assert.equal(rootScripts['worker:prod'], `${prod} apps/server/dist/worker.js`);
  assert.equal(rootScripts['db:migrate:prod'], `${prod} packages/db/dist/scripts/migrate.js`);
  assert.equal(rootScripts.build, 'node scripts/build.mjs');
});

test('ports, health checks and the worker heartbeat agree with the configuration', async () => {
  for (const [name, publish] of [
    ['api', /^4000-4009:4000$/],
    ['dashboard', /^3000:3000$/],
  ] as const) {
    const service = services[name]!;
    const config = loadConfig(service.environment ?? {});
    assert.equal(service.ports?.length, 1);
    assert.match(service.ports![0]!, publish, `${name} publishes its PORT`);
    assert.ok(service.ports![0]!.endsWith(`:${config.port}`));
    assert.equal(config.workerInProcess, false, `${name} leaves rendering to the worker service`);
    assert.ok(
      service.healthcheck!.test.join(' ').includes(`:${config.port}/readyz`),
      `${name} health check is its readiness probe on its PORT`,
    );
  }
  assert.equal(loadConfig(services.dashboard!.environment ?? {}).serveDashboard, true);
  assert.equal(loadConfig(services.api!.environment ?? {}).serveDashboard, false);
  const worker = services.worker!;
  assert.deepEqual(worker.healthcheck!.test.slice(0, 4), [
    'CMD',
    'node',
    'apps/server/dist/health/check-heartbeat.js',
    worker.environment!.WORKER_HEARTBEAT_FILE,
  ]);
  // The optional Prometheus scrapes every API on its PORT and every worker on its METRICS_PORT.
  const prometheus = services.prometheus!;
  assert.deepEqual(prometheus.profiles, ['metrics'], 'Prometheus starts only when asked for');
  const scrape = await read('apps/server/deploy/prometheus.yml');
  assert.match(
    scrape,
    new RegExp(
      `names: \\['api'\\]\\s+type: A\\s+port: ${loadConfig(services.api!.environment ?? {}).port}`,
    ),
  );
  assert.match(
    scrape,
    new RegExp(
      `names: \\['worker'\\]\\s+type: A\\s+port: ${loadConfig(worker.environment ?? {}).metricsPort}`,
    ),
  );
});

test('the Dockerfile builds in stages and runs compiled code on Node LTS as a non-root user', () => {
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:(22|24)[-\w.]*$/m, 'a current Node LTS image');
  const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(stages, [
    ['${NODE_IMAGE}', 'manifests'],
    ['${NODE_IMAGE}', 'deps'],
    ['deps', 'build'],
    ['${NODE_IMAGE}', 'prod-deps'],
    ['${NODE_IMAGE}', 'runtime'],
  ]);
  const [, prodDeps = '', runtime = ''] =
    /AS prod-deps\n([\s\S]*?)\nFROM [^\n]* AS runtime\n([\s\S]*)$/.exec(dockerfile) ?? [];
  assert.match(prodDeps, /npm ci --omit=dev/, 'production dependencies only');
  assert.doesNotMatch(runtime, /\btsx\b|npm (ci|install|run)/, 'the runtime stage builds nothing');
  assert.match(runtime, /^USER node$/m, 'a non-root user');
  assert.match(runtime, new RegExp(`NODE_OPTIONS=--conditions=${DIST_CONDITION}`));
  assert.match(dockerfile, /npm run build \\\n && npm run build:web/, 'the dashboard is built');
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  assert.ok(cmd, 'CMD in exec form, so node is PID 1 and receives signals');
  const command = JSON.parse(cmd) as string[];
  assertRunnable(command, 'Dockerfile CMD');
  assert.deepEqual(command, services.api!.command);
  // Every workspace the compiled server imports exports its dist/ under the condition.
  for (const [workspace, manifest] of workspaceManifests) {
    assert.equal(manifest.exports['.']?.[DIST_CONDITION], './dist/index.js', workspace);
  }
});

test('Compose accepts the file with the settings of .env.example', (t) => {
  const probe = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (probe.error) {
    t.skip('docker-compose is not installed (apt-get install docker-compose)');
    return;
  }
  const result = spawnSync('docker-compose', ['--env-file', '.env.example', 'config', '-q'], {
    cwd: REPO_DIR,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
});
