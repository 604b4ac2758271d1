/**
 * The test run behind `npm test`: unit tests (parallel), the emulator's own pytest suite,
 * then the end-to-end tests (in band, one emulator). Extra arguments go to Jest.
 * Ends with one plain line: `tests: N passed, N failed, N skipped`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureEmulatorPython, ROOT } from '../test/support/emulator';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const RESULTS = path.join(ROOT, '.emulator', 'test-results');

function run(title: string, command: string, args: string[]): number {
  console.log(`\n=== ${title}`);
  return spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env }).status ?? 1;
}

function jest(project: string, extra: string[]): { code: number; counts: Counts } {
  const file = path.join(RESULTS, `jest-${project}.json`);
  rmSync(file, { force: true });
  const args = [
    '--selectProjects',
    project,
    '--json',
    `--outputFile=${file}`,
    ...(project === 'e2e' ? ['--runInBand'] : []),
    ...extra,
  ];
  const code = run(`${project} tests (jest)`, path.join(ROOT, 'node_modules', '.bin', 'jest'), args);
  if (!existsSync(file)) return { code: code || 1, counts: { passed: 0, failed: 1, skipped: 0 } };
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numRuntimeErrorTestSuites: number;
  };
  return {
    code,
    counts: {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
      skipped: report.numPendingTests + report.numTodoTests,
    },
  };
}

function pytest(python: string): { code: number; counts: Counts } {
  const file = path.join(RESULTS, 'pytest.xml');
  rmSync(file, { force: true });
  const code = run('emulator tests (pytest)', python, [
    '-m',
    'pytest',
    '-q',
    '-p',
    'no:cacheprovider',
    `--junitxml=${file}`,
    'test/support/emulator/tests',
  ]);
  if (!existsSync(file)) return { code: code || 1, counts: { passed: 0, failed: 1, skipped: 0 } };
  const xml = readFileSync(file, 'utf8');
  const attr = (name: string) => Number(new RegExp(`<testsuite[^>]* ${name}="(\\d+)"`).exec(xml)?.[1] ?? 0);
  const failed = attr('failures') + attr('errors');
  const skipped = attr('skipped');
  return { code, counts: { passed: attr('tests') - failed - skipped, failed, skipped } };
}

const extra = process.argv.slice(2);
mkdirSync(RESULTS, { recursive: true });
const python = ensureEmulatorPython();
const results: [string, { code: number; counts: Counts }][] = [['unit', jest('unit', extra)]];
if (extra.length === 0 && existsSync(path.join(ROOT, 'test', 'support', 'emulator', 'tests')))
  results.push(['emulator', pytest(python)]);
results.push(['e2e', jest('e2e', extra)]);

console.log('\n=== summary');
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
for (const [name, { code, counts }] of results) {
  console.log(
    `${code === 0 ? 'ok  ' : 'FAIL'} ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
const failed = results.some(([, { code }]) => code !== 0);
if (failed && total.failed === 0) total.failed = 1; // a run that failed outside any test still fails
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
