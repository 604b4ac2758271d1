/**
 * Deploy benchmark against the patched emulator: AWS requests per deploy, wall time for register
 * + update of N services, start-to-first-request, and detection latency (deployment COMPLETED →
 * the tool exits), for actions/deploy (the committed bundle) and the AWS CLI path
 * (register-task-definition, update-service, `aws ecs wait services-stable`).
 *
 * The emulator advances a rollout one step per DescribeServices. So that both tools see a rollout
 * that progresses in time (as ECS does) rather than one driven by their own polling, a driver
 * polls every service every `driverIntervalMs` straight at the emulator; each tool talks to it
 * through a counting proxy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { chunk } from '../../src/shared/ecs/service-state';
import {
  REGION,
  baseDefinition,
  createFleet,
  createServices,
} from '../../src/shared/ecs/testing/emulator-fixture';
import { Markdown } from '../../src/shared/runtime/markdown';
import { emulatorEnv, runAction } from '../../test/support/action-runner';
import { resetEmulator } from '../../test/support/emulator';
import { startFaultProxy } from '../../test/support/fault-proxy';

export interface BenchRow {
  tool: 'actions/deploy' | 'aws cli';
  services: number;
  requests: number;
  wallMs: number;
  firstRequestMs: number;
  detectionMs: number;
  ok: boolean;
}

export interface BenchOptions {
  endpoint: string;
  sizes: number[];
  /** Emulator steps per rollout (emulator:rollout-polls). */
  rolloutPolls: number;
  driverIntervalMs: number;
  /** actions/deploy poll-interval input. */
  pollInterval: string;
}

type Tool = BenchRow['tool'];

/** Runs every size with both tools and returns one row per (tool, size). */
export async function benchDeploy(options: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of options.sizes)
    for (const tool of ['actions/deploy', 'aws cli'] as Tool[])
      rows.push(await benchOne(options, tool, size));
  return rows;
}

async function benchOne(options: BenchOptions, tool: Tool, size: number): Promise<BenchRow> {
  await resetEmulator(options.endpoint);
  const env = emulatorEnv(options.endpoint);
  Object.assign(process.env, env);
  const fleet = await createFleet(env, 'bench');
  const names = Array.from({ length: size }, (_, i) => `svc-${i + 1}`);
  await createServices(
    fleet,
    'bench',
    names.map((name) => ({ name, tags: { 'emulator:rollout-polls': String(options.rolloutPolls) } })),
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-deploy-'));
  const file = path.join(dir, 'task-definition.json');
  const definition = baseDefinition('web');
  definition.containerDefinitions = [
    { ...definition.containerDefinitions?.[0], image: 'registry.example.com/app:bench' },
  ];
  writeFileSync(file, JSON.stringify(definition));

  let first = 0;
  const proxy = await startFaultProxy({
    target: options.endpoint,
    rate: 0,
    applies: () => {
      first ||= Date.now();
      return false;
    },
  });
  const driver = drive(fleet.clients.ecs, names, options.driverIntervalMs);
  const started = Date.now();
  const ok =
    tool === 'actions/deploy'
      ? await runOurs(proxy.endpoint, file, names, options.pollInterval)
      : await runCli(proxy.endpoint, file, names);
  const ended = Date.now();
  await driver.stop();
  await proxy.stop();
  const completedAt = await completionTime(fleet.clients.ecs, names);
  return {
    tool,
    services: size,
    requests: proxy.stats.requests,
    wallMs: ended - started,
    firstRequestMs: first ? first - started : NaN,
    detectionMs: completedAt ? ended - completedAt : NaN,
    ok,
  };
}

async function runOurs(
  endpoint: string,
  file: string,
  services: string[],
  pollInterval: string,
): Promise<boolean> {
  const run = await runAction('deploy', {
    inputs: {
      'task-definition': file,
      cluster: 'bench',
      services: services.join(','),
      'poll-interval': pollInterval,
      timeout: '10m',
    },
    env: { ...emulatorEnv(endpoint) },
    timeoutMs: 900_000,
  });
  return run.exitCode === 0;
}

async function runCli(endpoint: string, file: string, services: string[]): Promise<boolean> {
  const aws = (args: string[]) =>
    cli(['--endpoint-url', endpoint, '--region', REGION, '--output', 'json', ...args]);
  const registered = await aws(['ecs', 'register-task-definition', '--cli-input-json', `file://${file}`]);
  if (registered.code !== 0) return false;
  const arn = (JSON.parse(registered.stdout) as { taskDefinition: { taskDefinitionArn: string } })
    .taskDefinition.taskDefinitionArn;
  for (const service of services)
    if (
      (
        await aws([
          'ecs',
          'update-service',
          '--cluster',
          'bench',
          '--service',
          service,
          '--task-definition',
          arn,
        ])
      ).code !== 0
    )
      return false;
  for (const batch of chunk(services, 10))
    if (
      (await aws(['ecs', 'wait', 'services-stable', '--cluster', 'bench', '--services', ...batch])).code !== 0
    )
      return false;
  return true;
}

function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', args, { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/** Polls the services straight at the emulator so their rollouts advance with time. */
function drive(ecs: ECSClient, services: string[], intervalMs: number): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const batch of chunk(services, 10))
        await ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: batch }));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** When the last service's deployment completed (its "deployment completed." event). */
async function completionTime(ecs: ECSClient, services: string[]): Promise<number | undefined> {
  let latest: number | undefined;
  for (const batch of chunk(services, 10)) {
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: batch }));
    for (const service of described.services ?? []) {
      const events = (service.events ?? []).filter((e) => /deployment completed\.$/.test(e.message ?? ''));
      // The newest such event is the bench deployment's (CreateService's came first).
      const at = events[0]?.createdAt?.getTime();
      if (at !== undefined && events.length >= 2) latest = Math.max(latest ?? 0, at);
    }
  }
  return latest;
}

const seconds = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

/** The results as a markdown table. */
export function renderBenchTable(
  rows: BenchRow[],
  options: Pick<BenchOptions, 'rolloutPolls' | 'driverIntervalMs' | 'pollInterval'>,
): string {
  return new Markdown()
    .paragraph(
      `Rollouts take ${options.rolloutPolls} emulator steps, one every ${options.driverIntervalMs} ms (about ${seconds(options.rolloutPolls * options.driverIntervalMs)}). actions/deploy runs with poll-interval ${options.pollInterval}; the AWS CLI waiter polls every 15 s.`,
    )
    .table(
      [
        'Tool',
        'Services',
        'Succeeded',
        'AWS requests',
        'Wall time',
        'Start → first request',
        'Detection latency (COMPLETED → exit)',
      ],
      rows.map((row) => [
        row.tool,
        row.services,
        row.ok ? 'yes' : 'NO',
        row.requests,
        seconds(row.wallMs),
        `${row.firstRequestMs} ms`,
        seconds(row.detectionMs),
      ]),
    )
    .toString();
}
