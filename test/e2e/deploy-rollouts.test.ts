/**
 * actions/deploy against the patched emulator's rollout modes: what a failed deployment looks
 * like to the user (red step, summary with the cause) and what state it leaves behind.
 */
import {
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  REGION,
  ACCOUNT,
  baseDefinition,
  createFleet,
  createServices,
  type Fleet,
} from '../../src/shared/ecs/testing/emulator-fixture';
import { emulatorEnv, runAction } from '../support/action-runner';

const env = emulatorEnv();
Object.assign(process.env, env);
let fleet: Fleet;
const rev = (n: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:${n}`;
const BREAKER = { deploymentCircuitBreaker: { enable: true, rollback: true } };

beforeAll(async () => {
  fleet = await createFleet(env, 'prod');
  const second = {
    ...baseDefinition('web'),
    containerDefinitions: [
      { ...baseDefinition('web').containerDefinitions?.[0], image: 'registry.example.com/app:2' },
    ],
  };
  await fleet.clients.ecs.send(new RegisterTaskDefinitionCommand(second));
  await createServices(fleet, 'prod', [
    { name: 'breaker', tags: { 'emulator:rollout': 'circuit-breaker' }, deploymentConfiguration: BREAKER },
    { name: 'crash', tags: { 'emulator:rollout': 'tasks-stopping', 'emulator:exit-code': '3' } },
    { name: 'sick', behindTargetGroup: true, tags: { 'emulator:rollout': 'unhealthy-targets' } },
    { name: 'full', tags: { 'emulator:rollout': 'unplaceable' } },
    { name: 'sloth', tags: { 'emulator:rollout': 'slow' } },
    { name: 'busy', tags: { 'emulator:rollout': 'tasks-stopping' } },
    { name: 'raced', tags: { 'emulator:rollout': 'slow' } },
  ]);
});

const deploy = (services: string, inputs: Record<string, string> = {}) =>
  runAction('deploy', {
    inputs: {
      'task-definition-arn': 'web:2',
      cluster: 'prod',
      services,
      'poll-interval': '200ms',
      timeout: '60s',
      ...inputs,
    },
    env,
  });

async function service(name: string): Promise<Service> {
  return (
    (await fleet.clients.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [name] })))
      .services?.[0] ?? {}
  );
}

describe('deploy rollouts that fail', () => {
  it('circuit breaker trips and ECS rolls back: red step, ECS rollback reported, no second rollback', async () => {
    const run = await deploy('breaker');
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('rolled-back');
    const error = run.annotations.find((a) => a.level === 'error');
    expect(error?.message).toBe(
      `Deploying web:2 failed: breaker ecs-rolled-back (ECS rolled the deployment back to ${rev(1)}: ECS deployment circuit breaker: tasks failed to start.)`,
    );
    expect(run.summary).toContain('| breaker | ↩️ failed, rolled back by ECS | `web:2` | `web:1` |');
    expect(run.summary).toContain(
      'ECS rollback reason: ECS deployment circuit breaker: tasks failed to start.',
    );
    expect(run.summary).toContain('Circuit breaker: TRIGGERED');
    // The step ends once ECS's own rollback has completed, and the service is settled on web:1.
    expect(run.summary).toContain('Rollback to `web:1`: done');
    const after = await service('breaker');
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments?.[0]).toMatchObject({ taskDefinition: rev(1), rolloutState: 'COMPLETED' });
    expect(run.summary).toMatch(
      /\| `[0-9a-f-]+` \| EssentialContainerExited \| Essential container in task exited \| app: 1 \|/,
    );
    expect(run.log).not.toContain('Rolling back breaker');
    expect((await service('breaker')).deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: rev(1),
    });
  });

  it('tasks keep stopping without a breaker: the action rolls back, red step with the exit code', async () => {
    const run = await deploy('crash');
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Deploying web:2 failed: crash rolled-back \(3 tasks of the new revision stopped while starting/,
    );
    expect(run.summary).toContain('| crash | ↩️ failed, rolled back |');
    expect(run.summary).toContain('app: 3');
    expect(run.summary).toContain('Rollback to `web:1`: done');
    expect(run.log).toMatch(
      /crash: task [0-9a-f-]+ stopped: Essential container in task exited \(app exit code 3\)/,
    );
    const after = await service('crash');
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments?.[0]).toMatchObject({ taskDefinition: rev(1), rolloutState: 'COMPLETED' });
  });

  it('targets stay unhealthy: red step naming the target health reason', async () => {
    const run = await deploy('sick', { rollback: 'none' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBeUndefined();
    expect(run.annotations.find((a) => a.level === 'error')?.message).toBe(
      'Deploying web:2 failed: sick failed (targets of the new tasks stay unhealthy: Health checks failed)',
    );
    expect(run.summary).toMatch(
      /\| i-[0-9a-f]+:\d+ \| targetgroup\/prod-web\/[0-9a-f]+ \| unhealthy \| Target.FailedHealthChecks: Health checks failed \|/,
    );
    expect(run.summary).toContain('is unhealthy in (target-group');
    expect((await service('sick')).deployments?.[0].taskDefinition).toBe(rev(2));
  });

  it('tasks cannot be placed: red step quoting the placement event', async () => {
    const run = await deploy('full', { rollback: 'none' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Deploying web:2 failed: full failed \(tasks cannot be placed: \(service full\) was unable to place a task because no container instance met all of its requirements/,
    );
  });

  it('times out: red step with the last progress', async () => {
    const run = await deploy('sloth', { rollback: 'none', timeout: '2s' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Deploying web:2 failed: sloth timed-out \(Timed out after 2s waiting for service sloth to finish deploying; last seen: sloth: \d\/2 running/,
    );
    expect(run.summary).toContain('| sloth | ⏱️ timed out |');
  });
});

describe('deploy while someone else deploys the same service', () => {
  const serviceDeployments = async (name: string) =>
    (await fleet.clients.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: name })))
      .serviceDeployments ?? [];

  it('a deployment in flight that does not finish: red step naming it, nothing changed', async () => {
    // Someone else's deployment that never completes (tasks keep stopping, no breaker).
    const theirs = (
      await fleet.clients.ecs.send(
        new UpdateServiceCommand({ cluster: 'prod', service: 'busy', forceNewDeployment: true }),
      )
    ).service?.deployments?.find((d) => d.status === 'PRIMARY');
    const run = await deploy('busy', { timeout: '2s' });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        title: 'Deployment in progress',
        message: expect.stringMatching(
          new RegExp(
            `^Not deploying: after waiting 2s, a deployment started by someone else is still in progress on service busy \\(${theirs?.id} \\(revision web:1\\), 0/2 running, 2 pending, \\d+ failed\\)\\. Nothing was changed`,
          ),
        ),
      }),
    ]);
    expect(run.log).toContain(
      `Service busy is rolling out ${theirs?.id} (revision web:1) started by someone else; waiting for it to finish before deploying`,
    );
    expect(run.outputs.result).toBeUndefined();
    const primary = (await service('busy')).deployments?.[0];
    expect(primary).toMatchObject({ id: theirs?.id, taskDefinition: rev(1), rolloutState: 'IN_PROGRESS' });
    expect(await serviceDeployments('busy')).toHaveLength(2);
  });

  it('another deployment replaces ours in flight: superseded, red step, nothing rolled back', async () => {
    const run = deploy('raced', { rollback: 'auto' });
    // Once our deployment exists (listing service deployments moves no rollout), someone else deploys.
    while ((await serviceDeployments('raced')).length < 2) await new Promise((r) => setTimeout(r, 50));
    const theirs = (
      await fleet.clients.ecs.send(
        new UpdateServiceCommand({ cluster: 'prod', service: 'raced', taskDefinition: rev(1) }),
      )
    ).service?.deployments?.find((d) => d.status === 'PRIMARY');
    const result = await run;
    expect(result.exitCode).toBe(1);
    expect(result.outputs.result).toBe('superseded');
    const ours = JSON.parse(result.outputs['deployment-ids']).raced as string;
    expect(result.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      `Deploying web:2 failed: raced superseded (another deployment (${theirs?.id}, web:1) replaced ours (${ours}) before it finished; nothing was rolled back)`,
    ]);
    expect(result.summary).toContain(
      '| raced | ⏭️ superseded by another deployment (not rolled back) | `web:2` |',
    );
    expect(result.summary).toContain('Service deployment STOPPED');
    expect(result.log).not.toContain('Rolling back');
    // Their deployment is still the one rolling out: we did not touch the service again.
    expect((await service('raced')).deployments?.[0]).toMatchObject({
      id: theirs?.id,
      taskDefinition: rev(1),
    });
    expect(await serviceDeployments('raced')).toHaveLength(3);
  });
});
