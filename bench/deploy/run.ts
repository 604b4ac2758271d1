/**
 * `npx tsx bench/deploy/run.ts [sizes…]`: starts the patched emulator, benchmarks actions/deploy
 * (the committed bundle) against the AWS CLI path, prints the table and writes
 * bench/results/deploy.md. Not part of npm test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../../test/support/emulator';
import { benchDeploy, renderBenchTable } from './deploy-bench';

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const emulator = await startEmulator();
  try {
    const options = {
      endpoint: emulator.endpoint,
      sizes: sizes.length > 0 ? sizes : [1, 5, 20],
      rolloutPolls: 20,
      driverIntervalMs: 250,
      pollInterval: '10s',
    };
    const rows = await benchDeploy(options);
    const markdown = `# Deploy benchmark\n\n${renderBenchTable(rows, options)}`;
    const out = path.resolve(__dirname, '..', 'results', 'deploy.md');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, markdown);
    console.log(markdown);
  } finally {
    await emulator.stop();
  }
}

void main();
