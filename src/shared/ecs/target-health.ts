import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { withContext } from '../runtime/errors';
import { chunk } from './service-state';

/** One load balancer target of one task, with its health. */
export interface TaskTarget {
  targetGroupArn: string;
  taskArn: string;
  /** Instance id (bridge/host network mode) or IP address (awsvpc). */
  id: string;
  port: number;
  state?: string;
  reason?: string;
  description?: string;
}

/** Lists the service's tasks in `desiredStatus` started by `deploymentId` (ECS sets startedBy to it). */
export async function deploymentTasks(
  ecs: ECSClient,
  cluster: string,
  service: string,
  deploymentId: string,
  desiredStatus: 'RUNNING' | 'STOPPED',
  limit = 100,
): Promise<Task[]> {
  // ListTasks cannot combine startedBy with other filters, so list by service and filter here.
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await withContext(`list ${desiredStatus.toLowerCase()} tasks of service ${service}`, () =>
      ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus, nextToken })),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken && arns.length < 300);
  const tasks: Task[] = [];
  for (const batch of chunk(arns, 100)) {
    const described = await withContext(`describe tasks of service ${service}`, () =>
      ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })),
    );
    tasks.push(...(described.tasks ?? []).filter((task) => task.startedBy === deploymentId));
  }
  return tasks.slice(0, limit);
}

/** Resolves container instance ARNs to EC2 instance ids, remembering them across polls. */
export class ContainerInstanceIds {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly ecs: ECSClient,
    private readonly cluster: string,
  ) {}

  async resolve(arns: string[]): Promise<Map<string, string>> {
    const unknown = [...new Set(arns)].filter((arn) => !this.ids.has(arn));
    for (const batch of chunk(unknown, 100)) {
      const response = await withContext(`describe container instances in ${this.cluster}`, () =>
        this.ecs.send(
          new DescribeContainerInstancesCommand({ cluster: this.cluster, containerInstances: batch }),
        ),
      );
      for (const instance of response.containerInstances ?? [])
        if (instance.containerInstanceArn && instance.ec2InstanceId)
          this.ids.set(instance.containerInstanceArn, instance.ec2InstanceId);
    }
    return this.ids;
  }
}

/**
 * The targets a service's load balancers should have for `tasks`: instance id + host port in
 * bridge/host mode (dynamic host ports), IP + container port in awsvpc mode.
 */
export function expectedTargets(
  service: Service,
  tasks: Task[],
  instanceIds: Map<string, string>,
): TaskTarget[] {
  const targets: TaskTarget[] = [];
  for (const lb of service.loadBalancers ?? []) {
    if (!lb.targetGroupArn) continue; // classic load balancers have no target health API here
    for (const task of tasks) {
      const ip = awsvpcAddress(task);
      if (ip) {
        targets.push({
          targetGroupArn: lb.targetGroupArn,
          taskArn: task.taskArn ?? '',
          id: ip,
          port: lb.containerPort ?? 0,
        });
        continue;
      }
      const instance = instanceIds.get(task.containerInstanceArn ?? '');
      const container = task.containers?.find((c) => c.name === lb.containerName);
      const binding = container?.networkBindings?.find((b) => b.containerPort === lb.containerPort);
      if (instance && binding?.hostPort)
        targets.push({
          targetGroupArn: lb.targetGroupArn,
          taskArn: task.taskArn ?? '',
          id: instance,
          port: binding.hostPort,
        });
    }
  }
  return targets;
}

function awsvpcAddress(task: Task): string | undefined {
  const eni = task.attachments?.find((attachment) => attachment.type === 'ElasticNetworkInterface');
  return eni?.details?.find((detail) => detail.name === 'privateIPv4Address')?.value;
}

/** Fills in each target's health, one DescribeTargetHealth per target group. */
export async function targetHealth(
  elbv2: ElasticLoadBalancingV2Client,
  targets: TaskTarget[],
): Promise<TaskTarget[]> {
  const groups = new Map<string, TaskTarget[]>();
  for (const target of targets)
    groups.set(target.targetGroupArn, [...(groups.get(target.targetGroupArn) ?? []), target]);
  const result: TaskTarget[] = [];
  for (const [group, members] of groups) {
    const response = await withContext(`describe target health in ${group.split(':').pop()}`, () =>
      elbv2.send(
        new DescribeTargetHealthCommand({
          TargetGroupArn: group,
          Targets: members.map((member) => ({ Id: member.id, Port: member.port })),
        }),
      ),
    );
    for (const member of members) {
      const found = response.TargetHealthDescriptions?.find(
        (d) => d.Target?.Id === member.id && d.Target?.Port === member.port,
      );
      result.push({
        ...member,
        state: found?.TargetHealth?.State ?? 'unknown',
        reason: found?.TargetHealth?.Reason,
        description: found?.TargetHealth?.Description,
      });
    }
  }
  return result;
}

/** Summarises target health: healthy when every target is, unhealthy when any says so. */
export function judgeTargets(targets: TaskTarget[]): 'healthy' | 'unhealthy' | 'pending' {
  if (targets.some((target) => target.state === 'unhealthy')) return 'unhealthy';
  return targets.length > 0 && targets.every((target) => target.state === 'healthy') ? 'healthy' : 'pending';
}
