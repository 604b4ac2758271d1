/**
 * The promote benchmark: gate evaluation for 200 alarms beside the AWS CLI and jq.
 *
 *   npx tsx bench/promote/run.ts [--alarms 200] [--prefixes 4] [--runs 5]
 *
 * Starts its own emulator, writes bench/results/promote.md, and prints the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../../test/support/emulator';
import { machine } from '../report';
import { benchGate } from './gate-bench';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  // The SDK's credential chain reads the process environment; dummy keys for the emulator.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  try {
    const table = await benchGate({
      endpoint: emulator.endpoint,
      alarms: flag('alarms', 200),
      prefixes: flag('prefixes', 4),
      runs: flag('runs', 5),
    });
    const report = `# promote: gate evaluation\n\n${machine()}\n\n${table}\n`;
    const out = path.resolve(__dirname, '..', 'results', 'promote.md');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, report);
    console.log(report);
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
