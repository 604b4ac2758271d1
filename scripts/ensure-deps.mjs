// Installs npm dependencies when they are missing or older than the lock file, so that
// `npm run demo` and `npm test` work on a fresh clone. Plain JS: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error('[setup] installing npm dependencies (npm ci)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs a TypeScript script with tsx, passing arguments through; exits with its code. */
export function runTs(script, args = []) {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const result = spawnSync(tsx, [path.join(ROOT, script), ...args], { cwd: ROOT, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
