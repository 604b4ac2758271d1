/**
 * A scripted stand-in for one ECS cluster behind aws-sdk-client-mock, for scenario tests of what
 * the emulator cannot show. Shapes follow the ECS API reference: DescribeServices returns
 * deployments (PRIMARY first) and events (newest first); service tasks carry
 * startedBy = deployment id; DescribeTargetHealth reports per (Id, Port).
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  type Deployment,
  type DeploymentConfiguration,
  type LoadBalancer,
  type Service,
  type ServiceEvent,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  type TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../../aws/poll';

export const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
export const rev = (n: number) => `arn:aws:ecs:eu-west-1:111122223333:task-definition/web:${n}`;
const EPOCH = Date.UTC(2026, 0, 1);

export function fakeClock(): Clock & { sleeps: number[]; elapsed(): number } {
  let now = EPOCH;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    elapsed: () => now - EPOCH,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

export interface FakeService {
  name: string;
  desired: number;
  deployments: Deployment[];
  events: ServiceEvent[];
  loadBalancers: LoadBalancer[];
  deploymentConfiguration: DeploymentConfiguration;
  /** DescribeServices calls since the last UpdateService. */
  polls: number;
  /** Every deployment the service ever had, oldest first (its service deployments). */
  history: Deployment[];
  /** Runs on each DescribeServices naming the service, after an UpdateService. */
  script?: (service: FakeService, poll: number, cluster: FakeCluster) => void;
}

/** The part of an aws-sdk-client-mock stub the fake uses. */
interface Stub {
  on(command: unknown): { callsFake(fn: (input: never) => unknown): unknown };
}

export class FakeCluster {
  readonly services = new Map<string, FakeService>();
  readonly tasks: Task[] = [];
  /** `${id}:${port}` → state (and reason) DescribeTargetHealth reports. */
  readonly health = new Map<
    string,
    { state: TargetHealthStateEnum; reason?: string; description?: string }
  >();
  readonly updates: {
    service: string;
    taskDefinition?: string;
    deploymentConfiguration?: DeploymentConfiguration;
  }[] = [];
  /** When false, ListServiceDeployments fails as in partitions without the API. */
  offerServiceDeployments = false;
  private ids = 0;

  constructor(readonly clock: Clock) {}

  addService(name: string, revision: string, options: Partial<FakeService> = {}): FakeService {
    const service: FakeService = {
      name,
      desired: 2,
      deployments: [],
      events: [],
      loadBalancers: [],
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
      polls: 0,
      history: [],
      ...options,
    };
    const deployment = this.deployment(service, revision);
    // The deployment a service runs when we arrive was created long before.
    deployment.createdAt = new Date(this.clock.now() - 86_400_000);
    deployment.rolloutState = 'COMPLETED';
    deployment.runningCount = service.desired;
    deployment.pendingCount = 0;
    service.deployments = [deployment];
    this.services.set(name, service);
    return service;
  }

  deployment(service: FakeService, revision: string): Deployment {
    const deployment: Deployment = {
      id: `ecs-svc/${String(++this.ids).padStart(19, '1')}`,
      status: 'PRIMARY',
      taskDefinition: revision,
      desiredCount: service.desired,
      runningCount: 0,
      pendingCount: service.desired,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      createdAt: new Date(this.clock.now()),
    };
    service.history.push(deployment);
    return deployment;
  }

  /** Someone else's UpdateService to `revision`: a new PRIMARY, the others ACTIVE. */
  foreignUpdate(service: FakeService, revision: string): Deployment {
    service.deployments.forEach((deployment) => (deployment.status = 'ACTIVE'));
    const deployment = this.deployment(service, revision);
    service.deployments.unshift(deployment);
    return deployment;
  }

  /**
   * The service deployment status of a deployment, as ListServiceDeployments reports it: one
   * superseded in flight is STOPPED, a completed one SUCCESSFUL.
   */
  serviceDeploymentStatus(service: FakeService, deployment: Deployment): string {
    if (deployment.rolloutState === 'COMPLETED') return 'SUCCESSFUL';
    if (deployment.rolloutState === 'FAILED')
      return service.deploymentConfiguration.deploymentCircuitBreaker?.rollback
        ? 'ROLLBACK_SUCCESSFUL'
        : 'STOPPED';
    return deployment.status === 'PRIMARY' ? 'IN_PROGRESS' : 'STOPPED';
  }

  event(service: FakeService, message: string): void {
    service.events.unshift({ id: `event-${++this.ids}`, createdAt: new Date(this.clock.now()), message });
  }

  /** Starts `count` RUNNING tasks of the PRIMARY deployment on instance i-0aaa, host ports 32768+. */
  startTasks(service: FakeService, count: number): Task[] {
    const primary = service.deployments[0];
    const started: Task[] = [];
    for (let i = 0; i < count; i++) {
      const id = `task${++this.ids}`;
      const task: Task = {
        taskArn: `arn:aws:ecs:eu-west-1:111122223333:task/prod/${id}`,
        taskDefinitionArn: primary.taskDefinition,
        startedBy: primary.id,
        group: `service:${service.name}`,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        containerInstanceArn: 'arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/ci1',
        containers: [
          {
            name: 'app',
            lastStatus: 'RUNNING',
            networkBindings: [{ containerPort: 8080, hostPort: 32768 + this.ids }],
          },
        ],
      };
      this.tasks.push(task);
      started.push(task);
    }
    primary.runningCount = (primary.runningCount ?? 0) + count;
    primary.pendingCount = Math.max(0, (primary.desiredCount ?? 0) - (primary.runningCount ?? 0));
    return started;
  }

  /** Starts a task of the PRIMARY deployment that stops at once with `exitCode`. */
  failTask(service: FakeService, exitCode: number): void {
    const [task] = this.startTasks(service, 1);
    const primary = service.deployments[0];
    primary.runningCount = (primary.runningCount ?? 1) - 1;
    primary.pendingCount = (primary.pendingCount ?? 0) + 1;
    primary.failedTasks = (primary.failedTasks ?? 0) + 1;
    Object.assign(task, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: new Date(this.clock.now()),
    });
    task.containers = [{ name: 'app', lastStatus: 'STOPPED', exitCode }];
  }

  complete(service: FakeService): void {
    const primary = service.deployments[0];
    this.startTasks(service, (primary.desiredCount ?? 0) - (primary.runningCount ?? 0));
    primary.rolloutState = 'COMPLETED';
    service.deployments = [primary];
    this.event(service, `(service ${service.name}) has reached a steady state.`);
  }

  snapshot(service: FakeService): Service {
    return structuredClone({
      serviceName: service.name,
      serviceArn: `arn:aws:ecs:eu-west-1:111122223333:service/prod/${service.name}`,
      clusterArn: CLUSTER_ARN,
      status: 'ACTIVE',
      desiredCount: service.desired,
      taskDefinition: service.deployments[0]?.taskDefinition,
      deployments: service.deployments,
      events: service.events,
      loadBalancers: service.loadBalancers,
      deploymentConfiguration: service.deploymentConfiguration,
    });
  }

  /** Answers the ECS and ELBv2 commands the rollout code sends. */
  install(ecs: unknown, elbv2?: unknown): void {
    const on = (command: unknown) => (ecs as Stub).on(command);
    on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
      const found = input.services
        .map((name) => this.services.get(name))
        .filter((s): s is FakeService => !!s);
      for (const service of found) {
        service.polls++;
        service.script?.(service, service.polls, this);
      }
      return {
        services: found.map((service) => this.snapshot(service)),
        failures: input.services
          .filter((name) => !this.services.has(name))
          .map((name) => ({ arn: name, reason: 'MISSING' })),
      };
    });
    on(UpdateServiceCommand).callsFake(
      (input: {
        service: string;
        taskDefinition?: string;
        deploymentConfiguration?: DeploymentConfiguration;
      }) => {
        const service = this.services.get(input.service) as FakeService;
        this.updates.push({
          service: input.service,
          taskDefinition: input.taskDefinition,
          deploymentConfiguration: input.deploymentConfiguration,
        });
        if (input.deploymentConfiguration) service.deploymentConfiguration = input.deploymentConfiguration;
        if (input.taskDefinition && input.taskDefinition !== service.deployments[0]?.taskDefinition) {
          service.deployments.forEach((deployment) => (deployment.status = 'ACTIVE'));
          service.deployments.unshift(this.deployment(service, input.taskDefinition));
          service.polls = 0;
        }
        return { service: this.snapshot(service) };
      },
    );
    on(ListTasksCommand).callsFake((input: { serviceName: string; desiredStatus?: string }) => ({
      taskArns: this.tasks
        .filter(
          (t) =>
            t.group === `service:${input.serviceName}` &&
            t.desiredStatus === (input.desiredStatus ?? 'RUNNING'),
        )
        .map((t) => t.taskArn),
    }));
    on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: structuredClone(this.tasks.filter((t) => input.tasks.includes(t.taskArn ?? ''))),
    }));
    on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => ({
      containerInstances: input.containerInstances.map((arn) => ({
        containerInstanceArn: arn,
        ec2InstanceId: 'i-0aaa',
      })),
    }));
    on(ListServiceDeploymentsCommand).callsFake(
      (input: { service: string; createdAt?: { after?: Date } }) => {
        if (!this.offerServiceDeployments)
          throw Object.assign(new Error('not offered in this partition'), {
            name: 'UnsupportedFeatureException',
          });
        const service = this.services.get(input.service) as FakeService;
        const after = input.createdAt?.after?.getTime() ?? 0;
        return {
          serviceDeployments: service.history
            .filter((d) => (d.createdAt?.getTime() ?? 0) >= after)
            .reverse()
            .map((d) => ({
              serviceDeploymentArn: `arn:aws:ecs:eu-west-1:111122223333:service-deployment/prod/${service.name}/${d.id?.slice(8)}`,
              createdAt: d.createdAt,
              status: this.serviceDeploymentStatus(service, d),
            })),
        };
      },
    );
    if (elbv2)
      (elbv2 as Stub)
        .on(DescribeTargetHealthCommand)
        .callsFake((input: { Targets: { Id: string; Port: number }[] }) => ({
          TargetHealthDescriptions: input.Targets.map((target) => {
            const health = this.health.get(`${target.Id}:${target.Port}`) ?? { state: 'healthy' };
            return {
              Target: target,
              TargetHealth: { State: health.state, Reason: health.reason, Description: health.description },
            };
          }),
        }));
  }
}
