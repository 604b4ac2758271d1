// Bundles every actions/<name>/src/index.ts into actions/<name>/dist with @vercel/ncc
// (minified, with a source map and the licenses of what it bundles).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, ensureDependencies } from './ensure-deps.mjs';

ensureDependencies();
const only = process.argv.slice(2);
const actionsDir = path.join(ROOT, 'actions');
const actions = (existsSync(actionsDir) ? readdirSync(actionsDir) : []).filter(
  (name) =>
    existsSync(path.join(ROOT, 'actions', name, 'src', 'index.ts')) &&
    (only.length === 0 || only.includes(name)),
);
const ncc = path.join(ROOT, 'node_modules', '.bin', 'ncc');
for (const name of actions) {
  const dir = path.join('actions', name);
  const started = Date.now();
  const result = spawnSync(
    ncc,
    [
      'build',
      path.join(dir, 'src', 'index.ts'),
      '-o',
      path.join(dir, 'dist'),
      '--minify',
      '--source-map',
      '--license',
      'licenses.txt',
      // Type checking is `npm run typecheck`'s job; a type error in a test must not block a bundle.
      '--transpile-only',
      '--quiet',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    console.error(`build: ${name} failed`);
    process.exit(result.status ?? 1);
  }
  const size = statSync(path.join(ROOT, dir, 'dist', 'index.js')).size;
  console.log(
    `build: ${name} → ${dir}/dist/index.js (${(size / 1024).toFixed(0)} KiB) in ${Date.now() - started} ms`,
  );
}
if (actions.length === 0) console.log('build: no actions/*/src/index.ts found');
