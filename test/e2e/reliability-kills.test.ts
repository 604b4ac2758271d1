/**
 * Reliability when the runner dies: each action SIGKILLed mid-run, then run again.
 * - sync-playbooks, killed at 30 seeded random points: after each kill the pointer references a
 *   complete, checksum-valid release (every object downloaded and hashed), and a re-run
 *   converges on the tree.
 * - deploy, killed after registering: the re-run reuses the revision (no duplicate) and finishes.
 * - bake-ami, killed right after Packer finished: the re-run finds the image by its fingerprint
 *   and runs no Packer.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import { seededRandom, startFaultProxy } from '../support/fault-proxy';
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
  type DeployWorld,
  describeWorld,
  familyRevisions,
  primaryStates,
} from '../support/fixtures/deploy';
import {
  cleanUpWorkspaces,
  expectedFiles,
  newBucket,
  playbookTree,
  playbookWorkspace,
  readPointer,
  verifyPointer,
  writePlaybooks,
} from '../support/fixtures/sync-playbooks';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const KILLED = 137;

afterAll(() => {
  cleanUpWorkspaces();
  cleanUpDeployWorlds();
  cleanUpBakeWorkspaces();
});

function mustSucceed(label: string, run: ActionRun): ActionRun {
  if (run.exitCode !== 0) throw new Error(`${label} failed (exit ${run.exitCode}):\n${run.log.slice(-4000)}`);
  return run;
}

describe('sync-playbooks killed at random points', () => {
  const KILLS = 30;
  const PREFIX = 'ecs-node';

  it(`leaves the pointer on a complete release after each of ${KILLS} kills, and a re-run converges`, async () => {
    const bucket = await newBucket(s3, 'kills');
    const workspace = playbookWorkspace(playbookTree(40, 'initial'));
    const inputs = { bucket, source: 'playbooks', prefix: PREFIX, 'keep-releases': '3', 'prune-grace': '0' };
    const sync = (killAfterMs?: number) =>
      runAction('sync-playbooks', { workspace, env, inputs, killAfterMs });
    // Publishing the first tree, then a run like the killed ones (a third of the files changed),
    // whose length is the span the kill points are spread over.
    mustSucceed('first publish', await sync());
    writePlaybooks(workspace, { ...playbookTree(40, 'calibration', 99), 'site.yml': 'calibration\n' });
    const span = mustSucceed('calibration', await sync()).durationMs;
    const random = seededRandom(9);
    const outcomes = { beforePointer: 0, afterPointer: 0, finished: 0 };
    let tree = playbookTree(40, 'initial');
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await readPointer(s3, bucket, PREFIX);
      // Change a third of the files (new objects to upload) and one file's name.
      const changed = playbookTree(40, `kill ${kill}`, kill + 100);
      tree = Object.fromEntries(
        Object.entries(tree).map(([file, content], i) => [
          file,
          i % 3 === kill % 3 ? changed[file] : content,
        ]),
      );
      writePlaybooks(workspace, tree);
      const killAt = Math.round(random() * span);
      const killed = await sync(killAt);
      const after = await readPointer(s3, bucket, PREFIX);
      // Whatever the kill interrupted, nodes reading the pointer now get a whole release.
      if (after) await verifyPointer(s3, bucket, PREFIX, after);
      if (killed.exitCode === 0) outcomes.finished++;
      else {
        expect(killed.exitCode).toBe(KILLED);
        if (after?.release === before?.release) outcomes.beforePointer++;
        else outcomes.afterPointer++;
      }
      const rerun = mustSucceed(`re-run after kill ${kill} at ${killAt} ms`, await sync());
      const converged = await readPointer(s3, bucket, PREFIX);
      expect(converged?.release).toBe(rerun.outputs['release-id']);
      expect(await verifyPointer(s3, bucket, PREFIX, converged!)).toEqual(expectedFiles(tree));
    }
    process.stderr.write(
      `[reliability-kills] sync-playbooks: ${KILLS} kills over 0-${Math.round(span)} ms: ${outcomes.beforePointer} before the pointer moved, ${outcomes.afterPointer} after, ${outcomes.finished} finished first; every pointer complete, every re-run converged\n`,
    );
    expect(outcomes.beforePointer + outcomes.afterPointer + outcomes.finished).toBe(KILLS);
    expect(outcomes.beforePointer).toBeGreaterThan(0);
  });
});

describe('deploy killed after registering', () => {
  /**
   * Kills a deploy `delay` ms after start, later each time until the kill lands after the new
   * revision was registered (polled with ListTaskDefinitions), so the kill point is observed,
   * not guessed. Returns the killed run and the kill delay used.
   */
  async function killAfterRegistering(
    world: DeployWorld,
    delay: number,
  ): Promise<{ run: ActionRun; delay: number }> {
    for (;;) {
      const run = await runAction('deploy', {
        workspace: world.workspace,
        env,
        inputs: deployInputs(world, '2'),
        killAfterMs: delay,
      });
      expect(run.exitCode).toBe(KILLED);
      if ((await familyRevisions(world.fleet.clients.ecs, world.family)).length === 2) return { run, delay };
      expect(run.log).not.toContain('Registered ');
      delay += 100;
    }
  }

  it.each([
    ['while it waits for the rollout', 1200],
    ['right after it registered', 300],
  ])('re-runs %s without a duplicate revision', async (_when, start) => {
    const name = `kill-${start}`;
    const world = await createDeployWorld(env, name, { services: 2, rolloutPolls: 20 });
    const { ecs } = world.fleet.clients;
    const { run: killed, delay } = await killAfterRegistering(world, start);
    const registered = await familyRevisions(ecs, world.family);
    expect(killed.log).toContain(`Registered ${registered[1]}`);
    const before = primaryStates(await describeWorld(ecs, world));

    const rerun = mustSucceed(
      're-run',
      await runAction('deploy', { workspace: world.workspace, env, inputs: deployInputs(world, '2') }),
    );
    expect(rerun.outputs).toMatchObject({ 'task-definition-arn': registered[1], registered: 'false' });
    expect(rerun.log).toContain(`The task definition equals ${registered[1]}; reusing it`);
    expect(await familyRevisions(ecs, world.family)).toEqual(registered);
    expect(primaryStates(await describeWorld(ecs, world))).toEqual([
      `${name}:2/COMPLETED/1`,
      `${name}:2/COMPLETED/1`,
    ]);
    process.stderr.write(
      `[reliability-kills] deploy killed at ${delay} ms (${_when}; services then ${before.join(', ')}): re-run reused ${registered[1].split('/').pop()}, ${registered.length} revisions in all\n`,
    );
  });
});

describe('bake-ami killed after Packer finished', () => {
  const ec2 = emulatorEc2(env);

  /** Bakes with the fake Packer killing the action `killDelay` ms after Packer exits. */
  async function killedBake(
    prefix: string,
    killDelay: number,
    options: { endpoint?: string; inputs?: Record<string, string> } = {},
  ) {
    const workspace = bakeWorkspace(prefix);
    const killed = await runAction('bake-ami', {
      workspace: workspace.dir,
      env: { ...emulatorEnv(options.endpoint), FAKE_PACKER_KILL_PARENT: String(killDelay) },
      inputs: bakeInputs(workspace, prefix, options.inputs),
    });
    expect(killed.exitCode).toBe(KILLED);
    const built = workspace.packerRuns();
    expect(built).toEqual([expect.stringMatching(/^start /), expect.stringMatching(/^done ami-/)]);
    return { workspace, killed, built, imageId: built[1].split(' ')[1] };
  }

  async function expectRerunReuses(prefix: string, bake: Awaited<ReturnType<typeof killedBake>>) {
    const rerun = mustSucceed(
      're-run',
      await runAction('bake-ami', {
        workspace: bake.workspace.dir,
        env,
        inputs: bakeInputs(bake.workspace, prefix),
      }),
    );
    expect(bake.workspace.packerRuns()).toEqual(bake.built); // no second build
    expect(rerun.log).not.toContain('packer build');
    expect(rerun.outputs).toMatchObject({ 'ami-id': bake.imageId, skipped: 'true' });
    expect(rerun.log).toContain(`Image ${bake.imageId} (`);
    expect((await imagesNamed(ec2, prefix)).map((image) => image.id)).toEqual([bake.imageId]);
    return rerun;
  }

  it('re-runs by finding the image by its fingerprint, without running Packer (killed after tagging)', async () => {
    // Every request 500 ms slower: tagging (DescribeImages, CreateTags) ends ~1 s after Packer
    // exits, and the rest (a launch template version, made default; the prune's listing) takes
    // at least 1.5 s more, so a kill 1.3 s after Packer exits lands in between.
    await createLaunchTemplate(ec2, 'kill-tagged-nodes');
    const proxy = await startFaultProxy({
      target: env.AWS_ENDPOINT_URL,
      rate: 1,
      faults: ['latency'],
      latencyMs: 500,
    });
    const bake = await killedBake('kill-tagged', 1300, {
      endpoint: proxy.endpoint,
      inputs: { 'launch-templates': 'kill-tagged-nodes' },
    }).finally(() => proxy.stop());
    // The kill landed after bake-ami had tagged the image (and before the run finished).
    const [image] = await imagesNamed(ec2, 'kill-tagged');
    expect(image.tags['bake-ami:name-prefix']).toBe('kill-tagged');
    expect(bake.killed.log).toContain(`Packer built ${bake.imageId}`);
    await expectRerunReuses('kill-tagged', bake);
  });

  // Packer's image carries only the template's tags (Name, fingerprint, base image; this
  // template has no prefix tag): the kill lands before bake-ami tags it. The re-run finds it by
  // the name bake-ami gave it and its fingerprint tag, and adopts it, completing the tags.
  it('re-runs by finding the image by its fingerprint when killed the moment Packer exits', async () => {
    const bake = await killedBake('kill-now', 0);
    const [before] = await imagesNamed(ec2, 'kill-now');
    expect(before.tags['bake-ami:name-prefix']).toBeUndefined();
    const rerun = await expectRerunReuses('kill-now', bake);
    expect(rerun.log).toContain(`Adopted ${bake.imageId} (${before.name}) from an interrupted run`);
    const [after] = await imagesNamed(ec2, 'kill-now');
    expect(after.tags).toMatchObject({
      'bake-ami:name-prefix': 'kill-now',
      'bake-ami:fingerprint': before.tags['bake-ami:fingerprint'],
      'bake-ami:base-ami-id': before.tags['bake-ami:base-ami-id'],
      'bake-ami:build-time': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });
});
