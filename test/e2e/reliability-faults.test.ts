/**
 * Reliability under AWS faults: each action's happy path through the fault-injecting proxy.
 * With 20% of requests faulted (throttles in each protocol's shape, 500, 503, dropped
 * connections, latency; seeded) every run must end with the right AWS state, 20 of 20. With
 * every request faulted, the action must fail in bounded time with one error annotation that
 * says what it was doing, and change nothing.
 *
 * Runs of one action go four at a time (each in its own bucket/cluster/prefix), so the suite
 * spends its time in SDK back-off, not in sequence.
 */
import { ListTagsForResourceCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import { startFaultProxy, type FaultKind, type FaultProxy } from '../support/fault-proxy';
import {
  bakeInputs,
  bakeWorkspace,
  cleanUpBakeWorkspaces,
  createLaunchTemplate,
  emulatorEc2,
  imagesNamed,
} from '../support/fixtures/bake-ami';
import {
  cleanUpDeployWorlds,
  createDeployWorld,
  deployInputs,
  describeWorld,
  familyRevisions,
  primaryStates,
} from '../support/fixtures/deploy';
import { promoteFixtures, type PromoteFixture } from '../support/fixtures/promote';
import { repeat } from '../support/fixtures/repeat';
import {
  cleanUpWorkspaces,
  expectedFiles,
  newBucket,
  playbookTree,
  playbookWorkspace,
  readPointer,
  verifyPointer,
} from '../support/fixtures/sync-playbooks';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const ec2 = emulatorEc2(env);
const promoteWorld = promoteFixtures(env);
const RUNS = 20;
const RATE = 0.2;
const PARALLEL = 4;
/** With `latency` left out, a rate of 1 means no request ever reaches the emulator. */
const HARD_FAULTS: FaultKind[] = ['throttle', 'server-error', 'unavailable', 'drop'];
/** What "bounded time" means with every request failing: the SDK's 8 attempts and back-off. */
const ALL_FAULTED_LIMIT_MS = 60_000;

let proxy: FaultProxy;
afterEach(async () => proxy?.stop());
afterAll(() => {
  cleanUpWorkspaces();
  cleanUpDeployWorlds();
  cleanUpBakeWorkspaces();
});

async function faulty(seed: number): Promise<Record<string, string>> {
  proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: RATE, seed, latencyMs: 40 });
  return emulatorEnv(proxy.endpoint);
}

async function allFaulted(): Promise<Record<string, string>> {
  proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: 1, seed: 1, faults: HARD_FAULTS });
  return emulatorEnv(proxy.endpoint);
}

const faultCount = () => Object.values(proxy.stats.faulted).reduce((a, b) => a + b, 0);

function mustSucceed(label: string, run: ActionRun): ActionRun {
  if (run.exitCode !== 0) throw new Error(`${label} failed (exit ${run.exitCode}):\n${run.log.slice(-4000)}`);
  return run;
}

/** Logs the figures the report quotes. */
function report(action: string, passed: number, durations: number[]): void {
  const sorted = [...durations].sort((a, b) => a - b);
  process.stderr.write(
    `[reliability-faults] ${action}: ${passed}/${RUNS} runs passed; ${proxy.stats.requests} requests, ${faultCount()} faulted ${JSON.stringify(proxy.stats.faulted)}; run median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms\n`,
  );
}

/** A failed run: one error annotation, saying what it was doing, within the limit. */
function expectOneClearError(run: ActionRun, doing: RegExp): void {
  const errors = run.annotations.filter((a) => a.level === 'error');
  process.stderr.write(
    `[reliability-faults] all faulted: exit ${run.exitCode} after ${run.durationMs} ms, ${proxy.stats.requests} requests; ${errors.map((e) => `${e.title}: ${e.message}`).join(' | ')}\n`,
  );
  expect({ exitCode: run.exitCode, errors: errors.length, message: errors[0]?.message }).toEqual({
    exitCode: 1,
    errors: 1,
    message: expect.stringMatching(doing),
  });
  expect(run.durationMs).toBeLessThan(ALL_FAULTED_LIMIT_MS);
  expect(proxy.stats.requests).toBeGreaterThan(1); // it retried before giving up
}

describe('sync-playbooks', () => {
  it(`publishes a complete, checksum-valid release in ${RUNS} of ${RUNS} runs with 20% faults`, async () => {
    const faultedEnv = await faulty(101);
    const durations = await repeat(RUNS, PARALLEL, async (i) => {
      const bucket = await newBucket(s3, 'faults');
      const files = playbookTree(12, `run ${i}`, i + 1);
      const run = mustSucceed(
        `run ${i}`,
        await runAction('sync-playbooks', {
          workspace: playbookWorkspace(files),
          env: faultedEnv,
          inputs: { bucket, source: 'playbooks', prefix: 'ecs-node' },
        }),
      );
      const pointer = await readPointer(s3, bucket, 'ecs-node');
      expect(pointer?.release).toBe(run.outputs['release-id']);
      expect(await verifyPointer(s3, bucket, 'ecs-node', pointer!)).toEqual(expectedFiles(files));
      return run.durationMs;
    });
    report('sync-playbooks', durations.length, durations);
    expect(durations).toHaveLength(RUNS);
    expect(faultCount()).toBeGreaterThan(RUNS);
  });

  it('fails with one clear message and writes nothing when every request is faulted', async () => {
    const bucket = await newBucket(s3, 'faults');
    const run = await runAction('sync-playbooks', {
      workspace: playbookWorkspace(playbookTree(3, 'all faulted')),
      env: await allFaulted(),
      inputs: { bucket, source: 'playbooks', prefix: 'ecs-node' },
    });
    expectOneClearError(run, /^Could not (list|read) s3:\/\/faults-\d+-\d+\/ecs-node\/\S*: \w+/);
    expect(await readPointer(s3, bucket, 'ecs-node')).toBeUndefined();
  });
});

describe('deploy', () => {
  it(`registers once and rolls out in ${RUNS} of ${RUNS} runs with 20% faults`, async () => {
    const faultedEnv = await faulty(202);
    const durations = await repeat(RUNS, PARALLEL, async (i) => {
      const world = await createDeployWorld(env, `faults-${i}`, { services: 2 });
      const run = mustSucceed(
        `run ${i}`,
        await runAction('deploy', {
          workspace: world.workspace,
          env: faultedEnv,
          inputs: deployInputs(world, `2.${i}`),
        }),
      );
      const arn = `arn:aws:ecs:us-east-1:123456789012:task-definition/faults-${i}:2`;
      expect(run.outputs).toMatchObject({ 'task-definition-arn': arn, result: 'deployed' });
      expect(primaryStates(await describeWorld(world.fleet.clients.ecs, world))).toEqual([
        `faults-${i}:2/COMPLETED/1`,
        `faults-${i}:2/COMPLETED/1`,
      ]);
      expect(await familyRevisions(world.fleet.clients.ecs, world.family)).toHaveLength(2);
      return run.durationMs;
    });
    report('deploy', durations.length, durations);
    expect(durations).toHaveLength(RUNS);
  });

  it('fails with one clear message and changes nothing when every request is faulted', async () => {
    const world = await createDeployWorld(env, 'faults-all');
    const run = await runAction('deploy', {
      workspace: world.workspace,
      env: await allFaulted(),
      inputs: deployInputs(world, '3'),
    });
    expectOneClearError(run, /^Could not describe services in cluster faults-all: /);
    expect(primaryStates(await describeWorld(world.fleet.clients.ecs, world))).toEqual([
      'faults-all:1/COMPLETED/1',
    ]);
    expect(await familyRevisions(world.fleet.clients.ecs, world.family)).toHaveLength(1);
  });
});

describe('promote', () => {
  it(`promotes the source revision in ${RUNS} of ${RUNS} runs with 20% faults`, async () => {
    const fixtures: PromoteFixture[] = [];
    for (let i = 0; i < RUNS; i++)
      fixtures.push(
        await promoteWorld.fixture(`faults-${i}`, { targetTags: { 'emulator:rollout-polls': '1' } }),
      );
    await new Promise((resolve) => setTimeout(resolve, 1100)); // source deployments older than the 1 s soak
    const faultedEnv = await faulty(303);
    const durations = await repeat(RUNS, PARALLEL, async (i) => {
      const f = fixtures[i];
      const run = mustSucceed(
        `run ${i}`,
        await runAction('promote', {
          env: faultedEnv,
          inputs: promoteWorld.inputs(f, { 'poll-interval': '100ms', bake: '1s' }),
        }),
      );
      expect(run.outputs.result).toBe('promoted');
      expect(await promoteWorld.primary(f.target)).toMatchObject({
        taskDefinition: f.newArn,
        rolloutState: 'COMPLETED',
      });
      const { tags } = await promoteWorld.ecs.send(new ListTagsForResourceCommand({ resourceArn: f.newArn }));
      expect(tags?.map((tag) => tag.key)).toEqual([`promoted-to:${f.target}`]);
      const family = await promoteWorld.ecs.send(
        new ListTaskDefinitionsCommand({ familyPrefix: `shop-${f.id}` }),
      );
      expect(family.taskDefinitionArns).toEqual([f.oldArn, f.newArn]);
      return run.durationMs;
    });
    report('promote', durations.length, durations);
    expect(durations).toHaveLength(RUNS);
  });

  it('fails with one clear message and changes nothing when every request is faulted', async () => {
    const f = await promoteWorld.fixture('faults-all');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const run = await runAction('promote', { env: await allFaulted(), inputs: promoteWorld.inputs(f) });
    expectOneClearError(run, /^Could not describe services in cluster stage-faults-all: /);
    expect(run.outputs.result).toBe('failed');
    expect((await promoteWorld.primary(f.target)).taskDefinition).toBe(f.oldArn);
  });
});

describe('bake-ami', () => {
  it(`bakes, tags and rolls out the image in ${RUNS} of ${RUNS} runs with 20% faults`, async () => {
    const faultedEnv = await faulty(404);
    const durations = await repeat(RUNS, PARALLEL, async (i) => {
      const prefix = `faults-${i}`;
      await createLaunchTemplate(ec2, `${prefix}-nodes`);
      const workspace = bakeWorkspace(prefix);
      const run = mustSucceed(
        `run ${i}`,
        await runAction('bake-ami', {
          workspace: workspace.dir,
          env: faultedEnv,
          inputs: bakeInputs(workspace, prefix, { 'launch-templates': `${prefix}-nodes` }),
        }),
      );
      const images = await imagesNamed(ec2, prefix);
      expect(images).toEqual([
        expect.objectContaining({
          id: run.outputs['ami-id'],
          state: 'available',
          tags: expect.objectContaining({
            'bake-ami:fingerprint': run.outputs.fingerprint,
            'bake-ami:name-prefix': prefix,
          }),
        }),
      ]);
      expect(workspace.packerRuns()).toHaveLength(2); // one build: start, done
      expect(JSON.parse(run.outputs['launch-template-versions'])).toEqual([
        expect.objectContaining({ name: `${prefix}-nodes`, version: 2, created: true }),
      ]);
      return run.durationMs;
    });
    report('bake-ami', durations.length, durations);
    expect(durations).toHaveLength(RUNS);
  });

  it('fails with one clear message and builds nothing when every request is faulted', async () => {
    const workspace = bakeWorkspace('all-faulted');
    const run = await runAction('bake-ami', {
      workspace: workspace.dir,
      env: await allFaulted(),
      inputs: bakeInputs(workspace, 'faults-all'),
    });
    expectOneClearError(run, /^Could not describe base image ami-760aaa0f: /);
    expect(workspace.packerRuns()).toEqual([]);
    expect(await imagesNamed(ec2, 'faults-all')).toEqual([]);
  });
});
