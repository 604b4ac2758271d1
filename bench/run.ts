/**
 * `npm run bench`: every benchmark in one run, written to bench/README.md as one report.
 *
 *   npm run bench [-- --runs 15] [--rounds 3] [--compare-with DIR | --baseline-git GIT_DIR] [--out FILE]
 *
 * Starts one emulator for the deploy and promote benchmarks (the sync benchmark starts its own,
 * see bench/sync/run.ts) and measures each of our tools beside the one users would otherwise use,
 * in the same run on the same machine: start-up beside aws-actions/amazon-ecs-deploy-task-definition,
 * sync beside `aws s3 sync`, deploy beside the AWS CLI and its waiter, the promotion gate beside
 * the AWS CLI and jq. Not part of npm test.
 *
 * The start-up baseline is the published bundle of amazon-ecs-deploy-task-definition: a directory
 * holding its dist/index.js (`--compare-with`), or a git directory of that repository to extract
 * dist/ from (`--baseline-git`), else bench/results/baseline/ if an earlier run extracted it there.
 * Without one the report says that the baseline is unavailable and why.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorEnv } from '../test/support/action-runner';
import { startEmulator } from '../test/support/emulator';
import { benchDeploy, renderBenchTable, type BenchRow } from './deploy/deploy-bench';
import { benchGate } from './promote/gate-bench';
import { machine, ratio } from './report';
import { baselineSubject, benchStartup, ourSubjects } from './startup/run';

const ROOT = path.resolve(__dirname, '..');
const BASELINE_DIR = path.join(ROOT, 'bench', 'results', 'baseline', 'amazon-ecs-deploy-task-definition');

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** The baseline bundle's directory and what it is, or why there is none. */
function findBaseline(): { dir?: string; description: string } {
  const given = arg('compare-with');
  if (given)
    return existsSync(path.join(given, 'dist', 'index.js'))
      ? { dir: path.resolve(given), description: `the bundle in ${given}` }
      : { description: `unavailable: ${given} holds no dist/index.js` };
  const gitDir = arg('baseline-git');
  if (gitDir) {
    mkdirSync(BASELINE_DIR, { recursive: true });
    const archive = spawnSync('git', ['--git-dir', gitDir, 'archive', 'HEAD', 'dist', 'action.yml'], {
      maxBuffer: 512 * 2 ** 20,
    });
    if (archive.status !== 0)
      return {
        description: `unavailable: git archive in ${gitDir} failed: ${archive.error?.message ?? archive.stderr.toString().trim()}`,
      };
    execFileSync('tar', ['-x', '-C', BASELINE_DIR], { input: archive.stdout });
  }
  if (existsSync(path.join(BASELINE_DIR, 'dist', 'index.js'))) {
    const commit = gitDir
      ? spawnSync('git', ['--git-dir', gitDir, 'log', '-1', '--format=%h %s'], {
          encoding: 'utf8',
        }).stdout.trim()
      : 'extracted by an earlier run';
    return {
      dir: BASELINE_DIR,
      description: `aws-actions/amazon-ecs-deploy-task-definition dist/ (${commit})`,
    };
  }
  return {
    description:
      'unavailable: no copy of aws-actions/amazon-ecs-deploy-task-definition was given (--compare-with DIR or --baseline-git GIT_DIR), so the ratio columns say n/a',
  };
}

const SYNC_TIMEOUT_MS = 6 * 60_000;

/**
 * bench/sync in a child process (it starts its own emulator and runs the AWS CLI synchronously,
 * so only a separate process can be stopped if it hangs), in its own process group so a timeout
 * stops the CLI and the emulator with it. Its section comes from bench/results/sync.md.
 */
async function syncSection(rounds: number): Promise<string> {
  const output = path.join(ROOT, 'bench', 'results', 'sync.md');
  rmSync(output, { force: true });
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['bench/sync/run.ts', '--rounds', String(rounds)],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let tail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-2000);
    process.stderr.write(chunk);
  });
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), SYNC_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code === 0 && existsSync(output)) return `${readFileSync(output, 'utf8').trim()}\n`;
  const lastLines = tail.trim().split('\n').slice(-3).join(' / ');
  return section(
    'Playbook sync: sync-playbooks vs aws s3 sync',
    `**Not measured in this run**: bench/sync/run.ts ${code === null ? `was stopped after ${SYNC_TIMEOUT_MS / 60_000} min` : `exited with code ${code}`}. Last output: ${lastLines || 'none'}.`,
    `npx tsx bench/sync/run.ts --rounds ${rounds}`,
  );
}

/** actions/deploy ÷ AWS CLI per size, from the same run's rows. */
function deployRatios(rows: BenchRow[]): string {
  const lines = [...new Set(rows.map((row) => row.services))].map((services) => {
    const ours = rows.find((row) => row.services === services && row.tool === 'actions/deploy');
    const cli = rows.find((row) => row.services === services && row.tool === 'aws cli');
    if (!ours || !cli) return `| ${services} | n/a | n/a | n/a |`;
    return `| ${services} | ${ratio(ours.requests, cli.requests)} | ${ratio(ours.wallMs, cli.wallMs)} | ${ratio(ours.detectionMs, cli.detectionMs)} |`;
  });
  return [
    'Ratios, actions/deploy ÷ AWS CLI (below 1: ours is fewer or faster). actions/deploy sends more requests because it also finds the ALB targets of the new tasks and waits for them to be healthy, which the CLI waiter never looks at.',
    '',
    '| Services | Requests | Wall time | Detection latency |',
    '| ---: | ---: | ---: | ---: |',
    ...lines,
  ].join('\n');
}

function awsCliVersion(): string {
  const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return version.status === 0 ? `${version.stdout}${version.stderr}`.trim() : 'not installed';
}

function section(title: string, body: string, command: string, notes: string[] = []): string {
  return [
    `## ${title}`,
    '',
    body.trim(),
    '',
    ...notes.flatMap((n) => [n, '']),
    `Reproduce: \`${command}\``,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 15);
  const rounds = Number(arg('rounds') ?? 3);
  const started = new Date();
  const sections: string[] = [];

  const baseline = findBaseline();
  log(`start-up (${runs} runs per bundle; baseline ${baseline.description})`);
  const startup = await benchStartup(ourSubjects(), runs, baselineSubject(baseline.dir));
  sections.push(
    section(
      'Bundle size and start-up',
      startup,
      `npx tsx bench/startup/run.ts --runs ${runs} --compare-with <dir with amazon-ecs-deploy-task-definition's dist/>`,
      [`Baseline: ${baseline.description}.`],
    ),
  );

  log(`sync (${rounds} rounds, in its own process with its own emulator)`);
  sections.push(await syncSection(rounds));

  const emulator = await startEmulator();
  // The SDK's credential chain reads the process environment; dummy keys for the emulator.
  Object.assign(process.env, emulatorEnv(emulator.endpoint));
  try {
    const deployOptions = {
      endpoint: emulator.endpoint,
      sizes: [1, 5, 20],
      rolloutPolls: 20,
      driverIntervalMs: 250,
      pollInterval: '10s',
    };
    log('deploy (1, 5 and 20 services, actions/deploy and the AWS CLI)');
    const deployRows = await benchDeploy(deployOptions);
    sections.push(
      section(
        'Deploy: requests and detection latency, actions/deploy vs the AWS CLI',
        renderBenchTable(deployRows, deployOptions),
        'npx tsx bench/deploy/run.ts 1 5 20',
        [
          'The AWS CLI path is `aws ecs register-task-definition`, `aws ecs update-service` per service and `aws ecs wait services-stable`.',
          deployRatios(deployRows),
        ],
      ),
    );

    log('promote gate (200 alarms)');
    const gate = await benchGate({ endpoint: emulator.endpoint, alarms: 200, prefixes: 4, runs: 5 });
    sections.push(
      section(
        'Promote: gate evaluation of 200 alarms vs the AWS CLI and jq',
        gate,
        'npx tsx bench/promote/run.ts --alarms 200 --prefixes 4 --runs 5',
      ),
    );
  } finally {
    await emulator.stop();
  }

  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
  const report = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (bench/run.ts); do not edit by hand. Every figure below comes from one run',
    'on one machine: each tool of ours is measured beside the tool users would otherwise use, in the same',
    'run, against the same patched moto emulator (test/support/emulator), so the ratios compare like with',
    'like. Absolute times are emulator times, not AWS times: they show relative cost (requests, processes,',
    'waiting strategy), not what a real account will take.',
    '',
    `- Machine: ${machine()}`,
    `- AWS CLI: ${awsCliVersion()}`,
    `- Run: ${started.toISOString()}, ${minutes} min in all`,
    `- Reproduce everything: \`npm run bench -- --runs ${runs} --rounds ${rounds} --baseline-git <git dir of aws-actions/amazon-ecs-deploy-task-definition>\` (build the bundles first: \`npm run build\`)`,
    '',
    ...sections,
  ].join('\n');
  const out = path.resolve(arg('out') ?? path.join(ROOT, 'bench', 'README.md'));
  writeFileSync(out, report);
  log(`wrote ${path.relative(ROOT, out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
