#!/usr/bin/env node
// One test runner for the whole repository: node:test, with tsx loading TypeScript.
// Node 20's --test does not expand globs, so the files are collected here.
// Usage: npm test [-- <path filter> ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const roots = ['packages', 'apps', 'test'];
const skip = new Set(['node_modules', '.next', 'dist']);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(process.cwd(), path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => collect(root, []))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Besides the spec output, a TAP copy says which files' processes died by a signal.
const tap = join(mkdtempSync(join(tmpdir(), 'latent-lab-test-')), 'results.tap');
const run = (paths, reporters) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters, ...paths],
    { stdio: 'inherit' },
  ).status ?? 1;
const status = run(files, [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
]);
if (status === 0) process.exit(0);

// V8 in Node 24 sometimes aborts a process that creates and frees many WebAssembly instances
// (PGlite's), after its tests have passed: `Check failed: jit_page...` (nodejs/node#64500, open).
// A file whose process died by a signal, when that is the only kind of failure, runs once more;
// any failed test fails the run as before.
const failures = [...readFileSync(tap, 'utf8').matchAll(/^not ok \d+ - (.+)\n((?: {2}.*\n)*)/gm)];
const crashed = failures.flatMap(([, name, details]) => {
  const signal = /^ {2}signal: '(SIG\w+)'/m.exec(details)?.[1];
  return signal && files.includes(name) ? [[name, signal]] : [];
});
if (crashed.length === 0 || crashed.length !== failures.length) process.exit(status);
for (const [name, signal] of crashed)
  console.log(`\n${name}: its process died by ${signal} (not a failed test); running it once more`);
process.exit(
  run(
    crashed.map(([name]) => name),
    ['--test-reporter=spec'],
  ),
);
