import type { Deployment } from '@aws-sdk/client-ecs';
import { inFlightDeployment } from './in-flight';

const REV = (n: number) => `arn:aws:ecs:eu-west-1:111122223333:task-definition/web:${n}`;
const primary = (extra: Partial<Deployment>): Deployment => ({
  id: 'ecs-svc/2',
  status: 'PRIMARY',
  taskDefinition: REV(2),
  desiredCount: 2,
  runningCount: 1,
  pendingCount: 1,
  ...extra,
});
const active: Deployment = { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: REV(1), runningCount: 2 };

describe('inFlightDeployment', () => {
  it.each<[string, Deployment[], boolean]>([
    ['IN_PROGRESS', [primary({ rolloutState: 'IN_PROGRESS' }), active], true],
    ['IN_PROGRESS, the old one already drained', [primary({ rolloutState: 'IN_PROGRESS' })], true],
    ['COMPLETED', [primary({ rolloutState: 'COMPLETED', runningCount: 2 })], false],
    ['COMPLETED, the old one still draining', [primary({ rolloutState: 'COMPLETED' }), active], false],
    ['FAILED without a rollback (terminal)', [primary({ rolloutState: 'FAILED' }), active], false],
    ['no rollout state, two deployments', [primary({}), active], true],
    ['no rollout state, one deployment below its count (scaling)', [primary({})], false],
    ['no deployments at all', [], false],
  ])('%s → in flight: %s', (_name, deployments, expected) => {
    const found = inFlightDeployment({ serviceName: 'web', deployments });
    expect(found !== undefined).toBe(expected);
    if (found)
      expect(found).toEqual({
        service: 'web',
        deploymentId: 'ecs-svc/2',
        taskDefinitionArn: REV(2),
        progress: '1/2 running, 1 pending',
      });
  });
});
