#!/usr/bin/env node
/**
 * Builds dist/ (tsc, then the non-TypeScript files of src/ beside the JavaScript).
 * `--if-stale` (what `npm start` runs) skips the build when dist/ was built after every input
 * last changed, so a restart of an unchanged checkout starts at once; when a build does run it is
 * incremental (tsconfig.build.json keeps its build info in dist/.tsbuildinfo-build).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const buildInfo = path.join(dist, '.tsbuildinfo-build');
const entry = path.join(dist, 'src', 'main.js');
const INPUTS = ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/build.js'];

/** The latest change under a path; directories count too, so a deleted file is a change. */
function latestChange(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  let latest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(file)) latest = Math.max(latest, latestChange(path.join(file, name)));
  }
  return latest;
}

function isStale() {
  if (!fs.existsSync(entry) || !fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return INPUTS.some((input) => latestChange(path.join(root, input)) > built);
}

if (process.argv.includes('--if-stale') && !isStale()) {
  process.stdout.write('dist/ is up to date: no build needed\n');
  process.exit(0);
}

const started = Date.now();
// Outputs gone but the build info kept would make tsc think there is nothing to emit.
if (!fs.existsSync(entry)) fs.rmSync(buildInfo, { force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
fs.cpSync(path.join(root, 'src'), path.join(dist, 'src'), { recursive: true, filter: (source) => !source.endsWith('.ts') });
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
process.stdout.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
