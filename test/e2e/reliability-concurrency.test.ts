/**
 * Two pipelines at once.
 * - sync-playbooks: four concurrent runs with different content into one prefix (three rounds):
 *   no update is lost. The final pointer is one of the four releases, every pointer ever written
 *   (the bucket is versioned) references a complete, checksum-valid release, the pointers form
 *   one chain (each names the release it replaced), and each run either moved the pointer or
 *   failed saying why.
 * - deploy: two deploys of different revisions to the same service at once never both report
 *   that the service runs their revision: the later one waits for the in-flight deployment (or
 *   fails, changing nothing); one whose deployment was replaced in flight fails as superseded
 *   without rolling anything back; one whose deployment completed before being replaced succeeds
 *   saying so. The service ends on the revision the last successful run reported.
 */
import type { Service } from '@aws-sdk/client-ecs';
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
  /** The "deployed; since replaced by …" warning of a run whose deployment completed before another replaced it. */
  const replacedNote = (run: ActionRun) =>
    run.annotations.find((a) => a.level === 'warning' && /since replaced by ecs-svc\//.test(a.message));
  const revisionOf = (run: ActionRun) => run.outputs['task-definition-arn']?.split('/').pop();

  function describeRuns(runs: ActionRun[]): string {
    return runs
      .map((run) =>
        run.exitCode === 0
          ? `ok ${revisionOf(run)}${replacedNote(run) ? ' (since replaced)' : ''}${/started by someone else; waiting/.test(run.log) ? ' after waiting' : ''}`
          : `failed: ${run.annotations.find((a) => a.level === 'error')?.message}`,
      )
      .join(' | ');
  }

  /**
   * The rule for two deploys at once: a run reports success only for a deployment that really
   * completed (ECS never completes one another replaced in flight), so two successes for
   * different revisions happened one after the other; the service runs the revision whose
   * deployment completed last; a run whose deployment completed and was then replaced says so;
   * a run that failed says why in one annotation; nobody rolled back the other's deployment.
   */
  function expectTheRule(runs: ActionRun[], service: Service): void {
    const [state] = primaryStates([service]);
    const events = (service.events ?? []).map((event) => event.message ?? '');
    const completedAt = (run: ActionRun) => {
      const id = (JSON.parse(run.outputs['deployment-ids'] ?? '{}') as Record<string, string>)['svc-1'];
      return events.findIndex((event) => event.includes(`(deployment ${id}) deployment completed.`));
    };
    const succeeded = runs.filter((run) => run.exitCode === 0);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    for (const run of succeeded) expect(completedAt(run)).toBeGreaterThanOrEqual(0);
    // Events are newest first: the last deployment to complete is what the service runs.
    const last = [...succeeded].sort((x, y) => completedAt(x) - completedAt(y))[0];
    expect(state).toBe(`${revisionOf(last)}/COMPLETED/1`);
    for (const run of succeeded.filter((r) => r !== last && revisionOf(r) !== revisionOf(last)))
      if (replacedNote(run)) expect(replacedNote(run)?.message).toContain(`running ${revisionOf(last)}`);
    for (const run of runs.filter((r) => r.exitCode !== 0)) {
      const errors = run.annotations.filter((a) => a.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].message).not.toMatch(/ECS rolled the deployment back/);
      expect(run.outputs.result).not.toBe('rolled-back');
    }
    for (const run of runs) expect(run.log).not.toMatch(/Rolling back/);
  }

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
    const [service] = await describeWorld(world.fleet.clients.ecs, world);
    const [state] = primaryStates([service]);
    process.stderr.write(
      `[reliability-concurrency] deploy (${_when}): ${describeRuns(runs)}; service ends on ${state}\n`,
    );
    expectTheRule(runs, service);
    // A run whose deployment someone replaced in flight says so, and that nothing was rolled back.
    for (const run of runs.filter((r) => r.outputs.result === 'superseded'))
      expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
        /another deployment \(ecs-svc\/\d+, race-\d+:\d\) replaced ours .*nothing was rolled back/,
      );
  });

  it('the later run waits for the in-flight deployment (or fails on it), never replacing it', async () => {
    const world = await createDeployWorld(env, 'race-clear', { rolloutPolls: 8 });
    const first = runAction('deploy', { workspace: world.workspace, env, inputs: deployInputs(world, 'a') });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const second = await runAction('deploy', {
      workspace: world.workspace,
      env,
      inputs: deployInputs(world, 'b'),
    });
    const firstRun = await first;
    const [service] = await describeWorld(world.fleet.clients.ecs, world);
    const [state] = primaryStates([service]);
    process.stderr.write(
      `[reliability-concurrency] deploy (later run): ${describeRuns([firstRun, second])}; service ends on ${state}\n`,
    );
    // The first run's deployment was never superseded: it completed.
    expect(firstRun.exitCode).toBe(0);
    expect(revisionOf(firstRun)).toBe('race-clear:2');
    expectTheRule([firstRun, second], service);
    if (second.exitCode === 0) {
      expect(state).toBe('race-clear:3/COMPLETED/1');
      // Either the first had settled before the second looked, or the second waited for it.
      const waited = second.log.match(
        /Service svc-1 is rolling out (ecs-svc\/\d+) \(revision race-clear:2\) started by someone else; waiting for it to finish before deploying/,
      );
      if (waited)
        expect(second.log).toContain(
          `svc-1: settled on race-clear:2 (${waited[1]}, COMPLETED); deploying now`,
        );
      if (replacedNote(firstRun)) expect(replacedNote(firstRun)?.message).toMatch(/running race-clear:3$/);
    } else {
      expect(second.annotations.find((a) => a.level === 'error')?.message).toMatch(/still in progress/);
      expect(state).toBe('race-clear:2/COMPLETED/1');
    }
  });
});
