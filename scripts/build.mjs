#!/usr/bin/env node
// Compiles the server side of the repository to JavaScript for production (npm run build): the
// domain, config, storage, engine, db, server and the dashboard's server handler, into each workspace's dist/ beside its
// src/, so that paths a module builds from import.meta.url stay valid. Development, tests and
// `npm start` keep running the TypeScript sources through tsx; nothing here changes them.
//
// How the compiled files find each other: relative imports are rewritten from .ts to .js by
// TypeScript (rewriteRelativeImportExtensions); workspace packages export their dist/ files under
// the "latent-lab-dist" condition, so a process started with
//   NODE_OPTIONS=--conditions=latent-lab-dist node apps/server/dist/main.js
// (as the Dockerfile does) loads only compiled code, and every other process the sources.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(REPO, 'build/tsc');
/** Workspaces whose src/ is compiled to dist/, and whether their other src/ files are copied. */
const PACKAGES = [
  { pkg: 'packages/domain', assets: false },
  { pkg: 'packages/config', assets: false },
  { pkg: 'packages/storage', assets: false },
  { pkg: 'packages/engine', assets: true },
  { pkg: 'packages/db', assets: true },
  { pkg: 'apps/server', assets: true },
  // Only the dashboard's server handler: Next.js builds the rest into apps/web/.next.
  { pkg: 'apps/web', assets: false },
];
/** Scripts compiled to <workspace>/dist/scripts/ (they import their own package by name). */
const SCRIPTS = ['packages/db/scripts'];

rmSync(OUT, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(REPO, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

for (const { pkg, assets } of PACKAGES) {
  const dist = join(REPO, pkg, 'dist');
  rmSync(dist, { recursive: true, force: true });
  cpSync(join(OUT, pkg, 'src'), dist, { recursive: true });
  // Files that are not TypeScript are copied as they are, except tsx loader shims: an .mjs that
  // registers tsx and imports a .ts module (worker thread entries) becomes a plain import of the
  // compiled module.
  for (const file of assets ? walk(join(REPO, pkg, 'src')) : []) {
    if (/\.tsx?$/.test(file)) continue;
    const target = join(dist, relative(join(REPO, pkg, 'src'), file));
    const text = file.endsWith('.mjs') ? readFileSync(file, 'utf8') : '';
    const shim = text.includes('tsx/esm/api') && /import\(['"](\.\/[^'"]+)\.ts['"]\)/.exec(text);
    mkdirSync(dirname(target), { recursive: true });
    if (shim) {
      writeFileSync(
        target,
        `// Compiled build: the module runs as JavaScript, no loader needed.\nawait import('${shim[1]}.js');\n`,
      );
    } else {
      cpSync(file, target);
    }
  }
}
for (const scripts of SCRIPTS) {
  const built = join(OUT, scripts);
  if (existsSync(built))
    cpSync(built, join(REPO, dirname(scripts), 'dist/scripts'), { recursive: true });
}
rmSync(join(REPO, 'build'), { recursive: true, force: true });
console.log(`compiled ${PACKAGES.map(({ pkg }) => pkg).join(', ')} to dist/`);
