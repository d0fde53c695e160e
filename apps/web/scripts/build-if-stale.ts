// Builds the dashboard unless a build newer than its sources (and the server schema) exists.
// Run before `npm start` and by the browser tests; usable as a module or a script.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@latent-lab/config';

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = join(WEB_DIR, '../..');

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'gql')
    .reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stats.mtimeMs);
}

export function ensureDashboardBuilt(): void {
  const buildId = join(WEB_DIR, '.next/BUILD_ID');
  const sources = [
    'src',
    'next.config.ts',
    'package.json',
    'codegen.ts',
    '../server/schema.graphql',
    '../../packages/domain/src',
  ].map((p) => join(WEB_DIR, p));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...sources.map(newestMtime)))
    return;
  const build = spawnSync('npm', ['run', 'build:web'], { cwd: REPO_DIR, stdio: 'inherit' });
  if (build.status !== 0)
    throw new Error(`npm run build:web failed with exit code ${build.status}`);
}

/** Before `npm start`: the dashboard is built only when the server will serve it. */
export function prepareStart(env: Record<string, string | undefined>): 'built' | 'skipped' {
  if (!loadConfig(env).serveDashboard) return 'skipped';
  ensureDashboardBuilt();
  return 'built';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (prepareStart(process.env) === 'skipped')
    console.log('SERVE_DASHBOARD=false: the dashboard is not built');
}
