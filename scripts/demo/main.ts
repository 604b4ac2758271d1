/**
 * `npm run demo`: the whole release pipeline against the patched emulator, in one command.
 * Starts the emulator, seeds dev/stage/prod, runs each step of the pipeline (steps.ts) with
 * the committed action bundles, prints every job summary and a final table, and exits 0 only
 * when every step ended as expected. `--keep` leaves the emulator running to explore.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../../src/shared/runtime/duration';
import { emulatorEnv } from '../../test/support/action-runner';
import { startEmulator, type Emulator } from '../../test/support/emulator';
import { demoClients } from './clients';
import { explorationCommands } from './explore';
import { closingLine, finalTable, finalTableMarkdown, stepHeading, stepReport } from './report';
import { runStep } from './run-step';
import type { StepContext, StepResult } from './step';
import { pipeline } from './steps';
import { styleFor } from './terminal-style';
import { describeWorld, seedWorld } from './world';
import { ROOT } from './world-spec';

interface Options {
  keep: boolean;
  /** Step ids to run; the others are reported as skipped (for working on one action). */
  only?: string[];
  outputDir: string;
  port?: number;
}

const USAGE = `usage: npm run demo -- [--keep] [--output DIR] [--port PORT] [--only STEP,…]
  --keep        leave the emulator running afterwards and print AWS CLI commands to explore it
  --only IDS    run only these steps (ids as in the output folder's file names); the rest are skipped
  --output DIR  where the job summaries go (default: demo-output)
  --port PORT   the emulator's port (default: a free one)`;

function parseArgs(args: string[]): Options {
  const options: Options = { keep: false, outputDir: path.join(ROOT, 'demo-output') };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--keep') options.keep = true;
    else if (arg === '--output' && args[i + 1]) options.outputDir = path.resolve(args[++i]);
    else if (arg === '--only' && args[i + 1]) options.only = args[++i].split(',');
    else if (arg === '--port' && /^\d+$/.test(args[i + 1] ?? '')) options.port = Number(args[++i]);
    else {
      console.error(arg === '--help' || arg === '-h' ? USAGE : `Unknown argument ${arg}\n${USAGE}`);
      process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
    }
  }
  return options;
}

const style = styleFor(process.stdout);
const say = (text = '') => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const ids = pipeline(options.outputDir).map((step) => step.id);
  const unknown = (options.only ?? []).filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    console.error(`Unknown step ${unknown.join(', ')} in --only; the steps are ${ids.join(', ')}`);
    return 2;
  }
  const started = Date.now();
  say(style.bold('ecs-release-actions demo: the release pipeline against a local AWS emulator'));
  say(
    style.dim(
      'Starting the patched moto emulator (test/support/emulator; installs the pinned moto if missing)…',
    ),
  );
  const emulator = await startEmulator({ port: options.port });
  const stop = onInterrupt(emulator);
  try {
    const code = await runDemo(emulator, options, started);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (options.keep) {
      await keepRunning(emulator);
      say('Stopping the emulator.');
    }
    return code;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await emulator.stop();
  }
}

async function runDemo(emulator: Emulator, options: Options, started: number): Promise<number> {
  const env = emulatorEnv(emulator.endpoint);
  // The demo's own SDK clients take credentials from the standard chain, like the actions.
  Object.assign(process.env, env);
  say(`Emulator listening on ${emulator.endpoint}`);
  const seedStart = Date.now();
  const world = await seedWorld(emulator.endpoint, env, demoClients(env));
  say(style.bold(`\nSeeded the world in ${formatDuration(Date.now() - seedStart)}:`));
  describeWorld(world).forEach((line) => say(`  • ${line}`));
  say(
    style.dim(
      '\nEach step runs a compiled action (actions/<name>/dist) as the GitHub runner does. Lines marked ⟳ are the ' +
        'demo acting on the world itself: emulator controls standing in for time and metrics, and waits.',
    ),
  );

  rmSync(options.outputDir, { recursive: true, force: true });
  mkdirSync(options.outputDir, { recursive: true });
  const steps = pipeline(options.outputDir);
  const results: StepResult[] = [];
  const context: StepContext = {
    world,
    results: new Map(),
    note: (text) => say(`${style.yellow('  ⟳')} ${text}`),
  };
  for (const [index, step] of steps.entries()) {
    say(stepHeading(index + 1, steps.length, step, style));
    const result = await runStep(step, context, {
      outputDir: options.outputDir,
      index: index + 1,
      timeoutMs: 90_000,
      selected: !options.only || options.only.includes(step.id),
    });
    context.results.set(step.id, result);
    results.push(result);
    say(stepReport(result, style));
  }

  const table = finalTableMarkdown(results);
  writeFileSync(path.join(options.outputDir, 'README.md'), `# Demo run\n\n${table}`);
  say(style.bold('\n━━ Result ' + '━'.repeat(70)));
  say(`\n${finalTable(results, style)}\n`);
  const relative = path.relative(process.cwd(), options.outputDir);
  say(
    `Job summaries and logs: ${relative.startsWith('..') ? options.outputDir : relative || '.'}${path.sep}`,
  );
  say(`Wall time: ${formatDuration(Date.now() - started)}`);
  say(closingLine(results, style));
  const ok = results.every((result) => result.status === 'as-expected' || result.status === 'skipped');
  return ok ? 0 : 1;
}

async function keepRunning(emulator: Emulator): Promise<void> {
  say(style.bold(`\nThe emulator keeps running on ${emulator.endpoint}. In another terminal, try:\n`));
  explorationCommands(emulator.endpoint).forEach((line) =>
    say(line.startsWith('#') ? style.dim(line) : line),
  );
  say(style.bold('\nPress Ctrl-C to stop the emulator.'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Stops the emulator when the demo is interrupted mid-run, so no server is left behind. */
function onInterrupt(emulator: Emulator): () => void {
  const stop = () => {
    say(style.yellow('\nInterrupted: stopping the emulator.'));
    void emulator.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return stop;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(style.red(`demo failed: ${error.stack ?? error.message}`));
    process.exit(1);
  },
);
