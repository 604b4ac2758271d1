/**
 * Benchmark: actions/sync-playbooks (the committed bundle) against `aws s3 sync` on 1,000 files of
 * mixed sizes, against one emulator run: the initial upload, a no-op, and 10 changed files.
 *
 *   npx tsx bench/sync/run.ts [--rounds N]
 *
 * Writes bench/results/sync.md and prints it. `runSyncBench()` returns the same table for
 * bench/README.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorEnv, runAction } from '../../test/support/action-runner';
import { ROOT, startEmulator } from '../../test/support/emulator';

export interface SyncBenchOptions {
  /** Rounds per scenario; the median is reported. */
  rounds?: number;
  files?: number;
  log?: (line: string) => void;
}

export interface ScenarioResult {
  scenario: string;
  actionMs: number;
  awsCliMs: number;
}

export interface SyncBenchResult {
  results: ScenarioResult[];
  markdown: string;
}

const SCENARIOS = [
  'initial (1,000 files)',
  'no-op',
  '10 files changed',
  '10 files changed, pruning a release',
  'no-op, verify-objects',
] as const;

/** Releases kept: the fourth run of a round (the second change) prunes the first release. */
const KEEP_RELEASES = 2;

/** Deterministic mixed sizes: mostly small playbooks and templates, some larger files. */
function sizeOf(index: number): number {
  if (index % 50 === 0) return 256 * 1024 + ((index * 7919) % (768 * 1024)); // 2%: 256 KiB–1 MiB
  if (index % 5 === 0) return 8 * 1024 + ((index * 104729) % (56 * 1024)); // 18%: 8–64 KiB
  return 200 + ((index * 7477) % 4000); // 80%: 0.2–4 KiB
}

function content(index: number, generation: number): Buffer {
  const size = sizeOf(index);
  const buffer = Buffer.alloc(size);
  const seed = `file ${index} generation ${generation}\n`;
  for (let offset = 0; offset < size; offset += seed.length) buffer.write(seed, offset);
  return buffer;
}

function writeTree(dir: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const file = path.join(dir, `roles/role${i % 40}/files/f${i}.txt`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content(i, 0));
  }
}

/** Rewrites 10 files with new content of the same size (size-only comparison would miss them). */
function changeTen(dir: string, generation: number): void {
  for (let i = 0; i < 10; i++) {
    const index = i * 97 + 3;
    writeFileSync(path.join(dir, `roles/role${index % 40}/files/f${index}.txt`), content(index, generation));
  }
}

async function timeAction(
  ws: string,
  bucket: string,
  env: Record<string, string>,
  verifyObjects: boolean,
): Promise<number> {
  const started = process.hrtime.bigint();
  const run = await runAction('sync-playbooks', {
    workspace: ws,
    env,
    inputs: {
      bucket,
      source: 'tree',
      prefix: 'ecs-node',
      'keep-releases': KEEP_RELEASES,
      'prune-grace': '0',
      'verify-objects': verifyObjects,
    },
    timeoutMs: 600_000,
  });
  if (run.exitCode !== 0) throw new Error(`sync-playbooks failed:\n${run.log}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Runs the AWS CLI without blocking: the emulator is this process's child and logs every
 * request to a pipe that must keep draining, or it stalls (and the CLI with it).
 */
function aws(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', ['--endpoint-url', env.AWS_ENDPOINT_URL, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${stderr}`)),
    );
  });
}

async function timeAwsCli(ws: string, bucket: string, env: Record<string, string>): Promise<number> {
  const started = process.hrtime.bigint();
  await aws(
    ['s3', 'sync', path.join(ws, 'tree'), `s3://${bucket}/ecs-node/`, '--only-show-errors', '--delete'],
    env,
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs every scenario `rounds` times for both tools against one emulator; returns the table. */
export async function runSyncBench(options: SyncBenchOptions = {}): Promise<SyncBenchResult> {
  const rounds = options.rounds ?? 3;
  const files = options.files ?? 1000;
  const log = options.log ?? (() => undefined);
  const emulator = await startEmulator();
  const env = emulatorEnv(emulator.endpoint);
  const samples = new Map<string, { action: number[]; aws: number[] }>(
    SCENARIOS.map((scenario) => [scenario, { action: [], aws: [] }]),
  );
  try {
    for (let round = 0; round < rounds; round++) {
      for (const tool of ['action', 'aws'] as const) {
        const ws = mkdtempSync(path.join(os.tmpdir(), `bench-sync-${tool}-`));
        try {
          writeTree(path.join(ws, 'tree'), files);
          const bucket = `bench-${tool}-${round}`;
          await aws(['s3', 'mb', `s3://${bucket}`], env);
          const time = (verifyObjects = false) =>
            tool === 'action'
              ? timeAction(ws, bucket, env, verifyObjects)
              : Promise.resolve(timeAwsCli(ws, bucket, env));
          const record = async (scenario: (typeof SCENARIOS)[number], verifyObjects = false) => {
            const ms = await time(verifyObjects);
            samples.get(scenario)![tool].push(ms);
            log(
              `round ${round + 1}/${rounds} ${tool === 'action' ? 'sync-playbooks' : 'aws s3 sync'}: ${scenario} ${(ms / 1000).toFixed(2)} s`,
            );
          };
          await record(SCENARIOS[0]);
          await record(SCENARIOS[1]);
          changeTen(path.join(ws, 'tree'), 2 * round + 1);
          await record(SCENARIOS[2]);
          changeTen(path.join(ws, 'tree'), 2 * round + 2);
          await record(SCENARIOS[3]);
          await record(SCENARIOS[4], true);
        } finally {
          rmSync(ws, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await emulator.stop();
  }
  const results = SCENARIOS.map((scenario) => ({
    scenario,
    actionMs: median(samples.get(scenario)!.action),
    awsCliMs: median(samples.get(scenario)!.aws),
  }));
  return { results, markdown: renderSyncTable(results, rounds) };
}

/** The markdown section: the table, how to reproduce it, and the machine it ran on. */
export function renderSyncTable(results: ScenarioResult[], rounds: number): string {
  const awsVersion = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  const cli = `${awsVersion.stdout}${awsVersion.stderr}`.trim().split(' ')[0] || 'aws-cli (unknown)';
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${(r.actionMs / 1000).toFixed(2)} s | ${(r.awsCliMs / 1000).toFixed(2)} s | ${(r.actionMs / r.awsCliMs).toFixed(2)} |`,
  );
  const cpus = os.cpus();
  return [
    '## Playbook sync: sync-playbooks vs aws s3 sync',
    '',
    `1,000 files of mixed sizes (80% 0.2–4 KiB, 18% 8–64 KiB, 2% 256 KiB–1 MiB), uploaded to the patched moto emulator; median of ${rounds} rounds, each on a fresh bucket, the scenarios in table order. Wall-clock time of the whole process (the action bundle under Node, the AWS CLI under Python). "10 files changed" rewrites 10 files with new content of the same size; the next scenario does it again, and with \`keep-releases: ${KEEP_RELEASES}\` the action then also prunes the oldest release, listing every object to find the unreferenced ones (\`aws s3 sync --delete\` keeps no history to prune). "no-op, verify-objects" lists every object, as \`aws s3 sync\` always does.`,
    '',
    '| Scenario | sync-playbooks | aws s3 sync | ratio |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Goal: no-op and 10 changed at most 0.5× `aws s3 sync`, initial no slower (ratio ≤ 1). The action also does what `aws s3 sync` does not: SHA-256 content comparison, checksums verified by S3, an atomic pointer flip, and retention. It does not list every object unless asked to (`verify-objects`): the current manifest says which exist.',
    '',
    `Reproduce: \`npx tsx bench/sync/run.ts --rounds ${rounds}\` (after \`npm run build -- sync-playbooks\`).`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${cli}.`,
    '',
  ].join('\n');
}

if (require.main === module) {
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
  runSyncBench({ rounds, log: (line) => process.stderr.write(`${line}\n`) })
    .then(({ markdown }) => {
      const out = path.join(ROOT, 'bench', 'results', 'sync.md');
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, markdown);
      console.log(markdown);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
