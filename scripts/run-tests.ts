/**
 * The test run behind `npm test`: unit tests (parallel), the emulator's own pytest suite,
 * then the end-to-end tests (in band, one emulator). Extra arguments go to Jest.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureEmulatorPython, ROOT } from '../test/support/emulator';

function step(title: string, command: string, args: string[]): number {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  return result.status ?? 1;
}

const extra = process.argv.slice(2);
const jest = path.join(ROOT, 'node_modules', '.bin', 'jest');
const python = ensureEmulatorPython();
const results: [string, number][] = [];
results.push(['unit tests', step('unit tests', jest, ['--selectProjects', 'unit', ...extra])]);
if (existsSync(path.join(ROOT, 'test', 'support', 'emulator', 'tests'))) {
  results.push([
    'emulator tests',
    step('emulator tests (pytest)', python, ['-m', 'pytest', '-q', 'test/support/emulator/tests']),
  ]);
}
results.push([
  'e2e tests',
  step('end-to-end tests', jest, ['--selectProjects', 'e2e', '--runInBand', ...extra]),
]);
console.log('\n=== summary');
for (const [name, code] of results) console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${name}`);
process.exit(results.some(([, code]) => code !== 0) ? 1 : 0);
