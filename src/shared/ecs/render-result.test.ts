import { renderDeployResult } from './deploy-revision';

const REV = (n: number) => `arn:aws:ecs:eu-west-1:111122223333:task-definition/web:${n}`;

it('renders the services table and each failure with its evidence', () => {
  expect(
    renderDeployResult({
      ok: false,
      services: [
        {
          service: 'api',
          previousTaskDefinitionArn: REV(1),
          taskDefinitionArn: REV(2),
          deploymentId: 'ecs-svc/1',
          outcome: 'deployed',
          events: [],
          stoppedTasks: [],
          unhealthyTargets: [],
        },
        {
          service: 'web',
          previousTaskDefinitionArn: REV(1),
          taskDefinitionArn: REV(2),
          deploymentId: 'ecs-svc/2',
          outcome: 'rolled-back',
          reason: '3 tasks of the new revision stopped while starting',
          events: ['(service web) has started 1 tasks: (task abc).'],
          stoppedTasks: [
            {
              taskId: 'abc',
              stopCode: 'EssentialContainerExited',
              stoppedReason: 'Essential container in task exited',
              containers: [{ name: 'app', exitCode: 3 }],
            },
          ],
          unhealthyTargets: [
            {
              targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/1',
              taskArn: 't',
              id: 'i-1',
              port: 32768,
              state: 'unhealthy',
              reason: 'Target.FailedHealthChecks',
              description: 'Health checks failed',
            },
          ],
          serviceDeployment: {
            arn: 'sd',
            status: 'STOPPED',
            statusReason: 'stopped by a newer deployment',
            triggeredAlarms: ['web-5xx'],
            circuitBreaker: 'DISABLED',
          },
          rollback: { taskDefinitionArn: REV(1), deploymentId: 'ecs-svc/3', outcome: 'deployed' },
        },
      ],
    }),
  ).toMatchSnapshot();
});
