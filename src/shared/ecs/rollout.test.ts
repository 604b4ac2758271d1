import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { assessRollout, failedTaskThreshold, newWatch, takeNewEvents } from './rollout';
import { runningRevision } from './service-state';

const REV1 = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1';
const REV2 = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2';
const T0 = new Date('2026-01-01T00:00:00Z');
const ours: Deployment = {
  id: 'ecs-svc/2',
  status: 'PRIMARY',
  taskDefinition: REV2,
  desiredCount: 4,
  runningCount: 0,
  pendingCount: 4,
  failedTasks: 0,
  rolloutState: 'IN_PROGRESS',
  createdAt: T0,
};
const old: Deployment = {
  id: 'ecs-svc/1',
  status: 'ACTIVE',
  taskDefinition: REV1,
  desiredCount: 4,
  runningCount: 4,
  rolloutState: 'COMPLETED',
};

function service(deployments: Deployment[], extra: Partial<Service> = {}): Service {
  return { serviceName: 'web', deployments, events: [], ...extra };
}

describe('assessRollout', () => {
  it.each<[string, Deployment[], Partial<Service>, string, string?]>([
    ['in progress', [ours, old], {}, 'in-progress'],
    ['completed', [{ ...ours, rolloutState: 'COMPLETED', runningCount: 4 }], {}, 'completed'],
    [
      'FAILED without ECS rollback',
      [
        {
          ...ours,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        },
        old,
      ],
      {},
      'failed',
      'ECS deployment circuit breaker: tasks failed to start.',
    ],
    [
      'ECS rolled back',
      [
        { id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: REV1 },
        { ...ours, status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'alarm web-5xx' },
      ],
      {},
      'ecs-rolled-back',
      `ECS rolled the deployment back to ${REV1}: alarm web-5xx`,
    ],
    [
      'replaced by someone else',
      [
        {
          id: 'ecs-svc/3',
          status: 'PRIMARY',
          taskDefinition: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3',
        },
        { ...ours, status: 'ACTIVE' },
      ],
      {},
      'replaced',
      'another deployment (ecs-svc/3, arn:aws:ecs:eu-west-1:111122223333:task-definition/web:3) replaced ours',
    ],
    [
      'someone else put our previous revision back while ours was in flight',
      [
        { id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: REV1 },
        { ...ours, status: 'ACTIVE' },
      ],
      {},
      'replaced',
      `another deployment (ecs-svc/3, ${REV1}) replaced ours`,
    ],
    [
      'back on the previous revision, ours already drained: ECS rolled back',
      [{ id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: REV1 }],
      {},
      'ecs-rolled-back',
      `ECS rolled the deployment back to ${REV1}`,
    ],
    [
      'no rollout state, alone at full count',
      [{ ...ours, rolloutState: undefined, runningCount: 4 }],
      {},
      'completed',
    ],
    [
      'no rollout state, old still draining',
      [{ ...ours, rolloutState: undefined, runningCount: 4 }, old],
      {},
      'in-progress',
    ],
    [
      'crash loop without breaker',
      [{ ...ours, failedTasks: 3 }, old],
      {},
      'failed',
      '3 tasks of the new revision stopped while starting (the deployment circuit breaker is off, so ECS would keep retrying)',
    ],
    [
      'crash loop with breaker: ECS decides',
      [{ ...ours, failedTasks: 3 }, old],
      { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } },
      'in-progress',
    ],
  ])('%s', (...row) => {
    // A rest parameter: jest would pass `done` to a callback with more parameters than the row.
    const [, deployments, extra, state, reason] = row;
    const watch = newWatch('web', ours, REV1);
    const verdict = assessRollout(watch, service(deployments, extra));
    expect(verdict.state).toBe(state);
    if (reason) expect('reason' in verdict && verdict.reason).toBe(reason);
  });

  it('follows a forced new deployment of the same revision', () => {
    const watch = newWatch('web', ours, REV1);
    const verdict = assessRollout(watch, service([{ ...ours, id: 'ecs-svc/9' }, old]));
    expect(verdict.state).toBe('in-progress');
    expect(watch.deploymentId).toBe('ecs-svc/9');
  });

  it('fails on the second poll that reports unplaceable tasks', () => {
    const watch = newWatch('web', ours, REV1);
    const event = (id: string, seconds: number) => ({
      id,
      createdAt: new Date(T0.getTime() + seconds * 1000),
      message:
        '(service web) was unable to place a task because no container instance met all of its requirements.',
    });
    takeNewEvents(watch, service([ours], { events: [event('a', 1)] }));
    expect(assessRollout(watch, service([ours, old])).state).toBe('in-progress');
    takeNewEvents(watch, service([ours], { events: [event('b', 2), event('a', 1)] }));
    expect(assessRollout(watch, service([ours, old]))).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^tasks cannot be placed: \(service web\) was unable/),
    });
  });

  it('keeps only new events since the deployment started, oldest first', () => {
    const watch = newWatch('web', ours, REV1);
    const events = [
      { id: 'c', createdAt: new Date(T0.getTime() + 2000), message: 'third' },
      { id: 'b', createdAt: new Date(T0.getTime() + 1000), message: 'second' },
      { id: 'a', createdAt: new Date(T0.getTime() - 60_000), message: 'before us' },
    ];
    expect(takeNewEvents(watch, service([], { events })).map((e) => e.message)).toEqual(['second', 'third']);
    expect(takeNewEvents(watch, service([], { events }))).toEqual([]);
  });
});

describe('failedTaskThreshold', () => {
  it.each([
    [1, 3],
    [4, 3],
    [10, 5],
    [1000, 200],
  ])('desired %i → %i', (desired, threshold) => {
    expect(failedTaskThreshold(desired)).toBe(threshold);
  });
});

describe('runningRevision (what promote reads)', () => {
  it.each<[string, Service, object]>([
    [
      'steady',
      service([{ ...old, status: 'PRIMARY' }]),
      { taskDefinitionArn: REV1, steady: true, rolloutState: 'COMPLETED' },
    ],
    [
      'rolling out',
      service([ours, old]),
      { taskDefinitionArn: REV2, steady: false, deploymentId: 'ecs-svc/2' },
    ],
    [
      'no rollout state',
      service([{ ...old, status: 'PRIMARY', rolloutState: undefined }]),
      { taskDefinitionArn: REV1, steady: true },
    ],
  ])('%s', (_name, input, expected) => {
    expect(runningRevision(input)).toMatchObject(expected);
  });
});
