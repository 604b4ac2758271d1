/**
 * Two pipelines at once.
 * - sync-playbooks: four concurrent runs with different content into one prefix (three rounds):
 *   no update is lost. The final pointer is one of the four releases, every pointer ever written
 *   (the bucket is versioned) references a complete, checksum-valid release, the pointers form
 *   one chain (each names the release it replaced), and each run either moved the pointer or
 *   failed saying why.
 * - deploy: two deploys of different revisions to the same service at once never both report
 *   success, and the service ends on the revision a successful run reported.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import {
  cleanUpDeployWorlds,
  createDeployWorld,
  deployInputs,
  describeWorld,
  primaryStates,
} from '../support/fixtures/deploy';
import {
  cleanUpWorkspaces,
  expectedFiles,
  newBucket,
  playbookTree,
  playbookWorkspace,
  pointerHistory,
  readPointer,
  verifyPointer,
} from '../support/fixtures/sync-playbooks';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const PREFIX = 'ecs-node';

afterAll(() => {
  cleanUpWorkspaces();
  cleanUpDeployWorlds();
});

describe('sync-playbooks, four runs at once', () => {
  it.each([1, 2, 3])('round %i: no lost update, every pointer complete', async (round) => {
    const bucket = await newBucket(s3, 'concurrent', true);
    const trees = [1, 2, 3, 4].map((n) => playbookTree(30, `round ${round} run ${n}`, round * 10 + n));
    const runs = await Promise.all(
      trees.map((tree) =>
        runAction('sync-playbooks', {
          workspace: playbookWorkspace(tree),
          env,
          inputs: { bucket, source: 'playbooks', prefix: PREFIX },
        }),
      ),
    );
    const releases = runs.map((run) => run.outputs['release-id']);
    const history = await pointerHistory(s3, bucket, PREFIX);

    // Every pointer ever written references a complete release with the tree its run published.
    for (const pointer of history) {
      const files = await verifyPointer(s3, bucket, PREFIX, pointer);
      expect(files).toEqual(expectedFiles(trees[releases.indexOf(pointer.release)]));
    }
    // One chain: each write names the release it replaced, so none overwrote another unseen.
    // (S3 timestamps have one-second resolution, so the order comes from the links.)
    const chain: string[] = [];
    for (let link = history.find((p) => p.previous === null); link; ) {
      chain.push(link.release);
      const previous: string = link.release;
      link = history.find((p) => p.previous === previous);
    }
    expect([...chain].sort()).toEqual(history.map((pointer) => pointer.release).sort());
    // Each run moved the pointer exactly once, or failed with a clear message.
    runs.forEach((run: ActionRun, i) => {
      if (run.exitCode === 0) {
        expect(run.outputs.changed).toBe('true');
        expect(chain.filter((release) => release === releases[i])).toHaveLength(1);
      } else {
        expect(run.annotations.filter((a) => a.level === 'error')).toEqual([
          expect.objectContaining({ title: 'Pointer is busy' }),
        ]);
      }
    });
    const current = await readPointer(s3, bucket, PREFIX);
    expect(current?.release).toBe(chain[chain.length - 1]);
    expect(releases).toContain(current?.release);
    const conflicts = runs.filter((run) => /moved while this run was publishing/.test(run.log)).length;
    process.stderr.write(
      `[reliability-concurrency] sync round ${round}: ${runs.filter((r) => r.exitCode === 0).length}/4 moved the pointer, ${conflicts} re-read it after losing a race; final ${current?.release}\n`,
    );
  });
});

describe('deploy, two runs to the same service at once', () => {
  it.each([
    ['both start together', 0],
    ['the second starts while the first rolls out', 600],
  ])('never both succeed for different revisions: %s', async (_when, delay) => {
    const name = `race-${delay}`;
    const world = await createDeployWorld(env, name, { rolloutPolls: 8 });
    const first = runAction('deploy', { workspace: world.workspace, env, inputs: deployInputs(world, 'a') });
    await new Promise((resolve) => setTimeout(resolve, delay));
    const second = runAction('deploy', { workspace: world.workspace, env, inputs: deployInputs(world, 'b') });
    const runs = await Promise.all([first, second]);
    const succeeded = runs.filter((run) => run.exitCode === 0);
    const revisions = new Set(succeeded.map((run) => run.outputs['task-definition-arn']));
    const [state] = primaryStates(await describeWorld(world.fleet.clients.ecs, world));
    process.stderr.write(
      `[reliability-concurrency] deploy (${_when}): ${runs
        .map((run) =>
          run.exitCode === 0
            ? `ok ${run.outputs['task-definition-arn']?.split('/').pop()}`
            : `failed: ${run.annotations.find((a) => a.level === 'error')?.message}`,
        )
        .join(' | ')}; service ends on ${state}\n`,
    );
    expect(revisions.size).toBeLessThanOrEqual(1);
    // A run that failed says why, in one annotation.
    for (const run of runs.filter((r) => r.exitCode !== 0))
      expect(run.annotations.filter((a) => a.level === 'error')).toHaveLength(1);
    // What a successful run reported is what the service runs.
    if (succeeded.length === 1)
      expect(state).toBe(`${succeeded[0].outputs['task-definition-arn'].split('/').pop()}/COMPLETED/1`);
  });

  // KNOWN BUG (reported): deployRevision's startDeployment (src/shared/ecs/deploy-revision.ts)
  // calls UpdateService even while another deployment of a different revision is IN_PROGRESS,
  // superseding it; the first run then calls that "failed" and its automatic rollback puts the
  // service back on its own previous revision, undoing the second run's deployment, which in
  // turn "rolls back" to the first run's revision. Both runs fail and the service is left on a
  // revision a failed run reported. The later run should wait for the in-flight deployment or
  // fail before changing anything, and a run should not roll back a deployment someone else
  // replaced. Remove `.failing` once fixed.
  it.failing('the later run waits for or fails on the in-flight deployment, changing nothing', async () => {
    const world = await createDeployWorld(env, 'race-clear', { rolloutPolls: 8 });
    const first = runAction('deploy', { workspace: world.workspace, env, inputs: deployInputs(world, 'a') });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const second = await runAction('deploy', {
      workspace: world.workspace,
      env,
      inputs: deployInputs(world, 'b'),
    });
    const firstRun = await first;
    expect(firstRun.exitCode).toBe(0);
    const [state] = primaryStates(await describeWorld(world.fleet.clients.ecs, world));
    if (second.exitCode === 0) expect(state).toBe('race-clear:3/COMPLETED/1');
    else {
      expect(second.annotations.find((a) => a.level === 'error')?.message).toMatch(/in progress|in-flight/i);
      expect(state).toBe('race-clear:2/COMPLETED/1');
    }
  });
});
