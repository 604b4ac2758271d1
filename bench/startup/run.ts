/**
 * Bundle size and start-up time (process start → first AWS request) of each action's committed
 * bundle, beside aws-actions/amazon-ecs-deploy-task-definition's bundle measured the same way in
 * the same run (when its repository is available locally; see `--compare-with`).
 *
 *   npx tsx bench/startup/run.ts [--runs 15] [--compare-with DIR_WITH_dist/index.js]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { machine, median, ratio } from '../report';

const ROOT = path.resolve(__dirname, '..', '..');

export interface StartupSubject {
  name: string;
  /** Directory holding dist/index.js (and its chunks). */
  dir: string;
  inputs: Record<string, string>;
}

function bundleBytes(dir: string): number {
  const dist = path.join(dir, 'dist');
  return readdirSync(dist)
    .filter((file) => file.endsWith('.js') && file !== 'sourcemap-register.js')
    .reduce((sum, file) => sum + statSync(path.join(dist, file)).size, 0);
}

/** Starts a server that notes when the first request arrives and answers every request with a 500. */
async function recorder(): Promise<{ server: Server; endpoint: string; next(): Promise<number> }> {
  let waiting: ((at: number) => void) | undefined;
  const server = createServer((req, res) => {
    const at = performance.now();
    waiting?.(at);
    waiting = undefined;
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"__type":"InternalFailure"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    endpoint: `http://127.0.0.1:${port}`,
    next: () => new Promise((resolve) => (waiting = resolve)),
  };
}

/** Milliseconds from spawn to the first request reaching the recorder. */
async function startupOnce(
  subject: StartupSubject,
  endpoint: string,
  firstRequest: Promise<number>,
): Promise<number> {
  const temp = mkdtempSync(path.join(tmpdir(), 'startup-'));
  const files = ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV'].map((name) => [
    name,
    path.join(temp, name),
  ]);
  files.forEach(([, file]) => writeFileSync(file, ''));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: temp,
    ...Object.fromEntries(files),
    ...Object.fromEntries(Object.entries(subject.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(subject.dir, 'dist', 'index.js')], {
    env,
    cwd: ROOT,
    stdio: 'ignore',
  });
  const timeout = new Promise<number>((_, reject) =>
    setTimeout(() => reject(new Error(`${subject.name}: no AWS request within 15 s`)), 15_000),
  );
  try {
    return (await Promise.race([firstRequest, timeout])) - started;
  } finally {
    child.kill('SIGKILL');
  }
}

export async function benchStartup(
  subjects: StartupSubject[],
  runs: number,
  baseline?: StartupSubject,
): Promise<string> {
  const measure = async (subject: StartupSubject) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A fresh recorder per run: requests a killed run had already sent (actions send several
      // at once) must not be taken for the next run's first request.
      const rec = await recorder();
      try {
        times.push(await startupOnce(subject, rec.endpoint, rec.next()));
      } finally {
        rec.server.closeAllConnections();
        rec.server.close();
      }
    }
    return { subject, bytes: bundleBytes(subject.dir), startup: median(times) };
  };
  const rows = [];
  const base = baseline ? await measure(baseline) : undefined;
  for (const subject of subjects) rows.push(await measure(subject));
  const lines = [
    `Start-up: median of ${runs} runs of \`node dist/index.js\` from process start to the first AWS request (a local recorder answers it).`,
    '',
    '| Bundle | Size (KiB) | Start-up to first request (ms) | Size vs baseline | Start-up vs baseline |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...(base
      ? [
          `| ${base.subject.name} (baseline) | ${(base.bytes / 1024).toFixed(0)} | ${base.startup.toFixed(0)} | 1.00 | 1.00 |`,
        ]
      : []),
    ...rows.map(
      (row) =>
        `| actions/${row.subject.name} | ${(row.bytes / 1024).toFixed(0)} | ${row.startup.toFixed(0)} | ${base ? ratio(row.bytes, base.bytes) : 'n/a'} | ${base ? ratio(row.startup, base.startup) : 'n/a'} |`,
    ),
  ];
  return lines.join('\n');
}

/** The inputs that take each action to its first AWS request. */
export function ourSubjects(): StartupSubject[] {
  const fixture = path.join(ROOT, 'bench', 'startup', 'task-definition.json');
  const inputs: Record<string, Record<string, string>> = {
    deploy: { 'task-definition': fixture, cluster: 'bench', services: 'web', images: 'nginx:1.27' },
    promote: {
      'source-cluster': 'dev',
      'target-cluster': 'stage',
      services: 'web',
      'gate-alarms': 'prefix:dev-',
    },
    'sync-playbooks': { bucket: 'bench-bucket', source: 'ecs-node/playbooks' },
    'bake-ami': { 'base-ami': 'ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' },
  };
  return Object.keys(inputs)
    .filter((name) => existsSync(path.join(ROOT, 'actions', name, 'dist', 'index.js')))
    .map((name) => ({ name, dir: path.join(ROOT, 'actions', name), inputs: inputs[name] }));
}

export function baselineSubject(dir: string | undefined): StartupSubject | undefined {
  if (!dir || !existsSync(path.join(dir, 'dist', 'index.js'))) return undefined;
  const fixture = path.join(ROOT, 'bench', 'startup', 'task-definition.json');
  return {
    name: 'aws-actions/amazon-ecs-deploy-task-definition',
    dir,
    inputs: { 'task-definition': fixture, cluster: 'bench', service: 'web' },
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const arg = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const runs = Number(arg('--runs') ?? 15);
  void benchStartup(ourSubjects(), runs, baselineSubject(arg('--compare-with'))).then((table) => {
    const report = `${table}\n\nMachine: ${machine()}\n`;
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'startup.md'), report);
    console.log(report);
  });
}
