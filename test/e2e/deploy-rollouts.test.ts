/**
 * actions/deploy against the patched emulator's rollout modes: what a failed deployment looks
 * like to the user (red step, summary with the cause) and what state it leaves behind.
 */
import { DescribeServicesCommand, RegisterTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
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
