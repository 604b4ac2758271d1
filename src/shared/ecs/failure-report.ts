import {
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeploymentBrief,
  type Task,
} from '@aws-sdk/client-ecs';
import type { Logger } from '../runtime/logger';
import { describeAwsError } from '../runtime/errors';
import { deploymentTasks } from './target-health';

/** A stopped task of the new revision, with why it stopped. */
export interface StoppedTask {
  taskId: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: { name: string; exitCode?: number; reason?: string }[];
}

/** What DescribeServiceDeployments says about our deployment (where the API is offered). */
export interface ServiceDeploymentInfo {
  arn: string;
  status?: string;
  statusReason?: string;
  rollbackReason?: string;
  circuitBreaker?: string;
  triggeredAlarms: string[];
}

/** Reduces a DescribeTasks task to what a failure report shows. */
export function toStoppedTask(task: Task): StoppedTask {
  return {
    taskId: (task.taskArn ?? '').split('/').pop() ?? '',
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    containers: (task.containers ?? []).map((container) => ({
      name: container.name ?? '',
      exitCode: container.exitCode,
      reason: container.reason,
    })),
  };
}

/** Stopped tasks of our deployment, newest first, at most `limit`. */
export async function stoppedTasks(
  ecs: ECSClient,
  cluster: string,
  service: string,
  deploymentId: string,
  limit = 10,
): Promise<StoppedTask[]> {
  const tasks = await deploymentTasks(ecs, cluster, service, deploymentId, 'STOPPED');
  return tasks
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    .slice(0, limit)
    .map(toStoppedTask);
}

/**
 * The service deployment (DescribeServiceDeployments) created for our UpdateService: rollback
 * reason, circuit breaker status and triggered alarms. DescribeServices' deployment ids
 * (ecs-svc/…) are not service deployment ARNs, so we take the newest one created since `since`.
 * Returns undefined where the API is not offered (older partitions) or nothing matches.
 */
export async function serviceDeploymentInfo(
  ecs: ECSClient,
  cluster: string,
  service: string,
  since: Date,
  logger: Logger,
): Promise<ServiceDeploymentInfo | undefined> {
  try {
    const newest = (await serviceDeploymentsSince(ecs, cluster, service, since))[0];
    return newest?.serviceDeploymentArn
      ? await describeServiceDeployment(ecs, newest.serviceDeploymentArn)
      : undefined;
  } catch (error) {
    noDetails(logger, service, error);
    return undefined;
  }
}

/** Service deployments of a service created since about `since` (one second of slack), newest first. */
export async function serviceDeploymentsSince(
  ecs: ECSClient,
  cluster: string,
  service: string,
  since: Date,
): Promise<ServiceDeploymentBrief[]> {
  const listed = await ecs.send(
    new ListServiceDeploymentsCommand({
      cluster,
      service,
      createdAt: { after: new Date(since.getTime() - 1000) },
    }),
  );
  return listed.serviceDeployments ?? [];
}

/** DescribeServiceDeployments of one ARN, reduced to what a report shows. */
export async function describeServiceDeployment(
  ecs: ECSClient,
  arn: string,
): Promise<ServiceDeploymentInfo | undefined> {
  const described = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const deployment = described.serviceDeployments?.[0];
  if (!deployment) return undefined;
  return {
    arn,
    status: deployment.status,
    statusReason: deployment.statusReason,
    rollbackReason: deployment.rollback?.reason,
    circuitBreaker: deployment.deploymentCircuitBreaker?.status,
    triggeredAlarms: deployment.alarms?.triggeredAlarmNames ?? [],
  };
}

/** Logs (debug) why there are no service deployment details: usually an older partition. */
export function noDetails(logger: Logger, service: string, error: unknown): void {
  const { code, message } = describeAwsError(error);
  logger.debug(`No service deployment details for ${service}: ${code ?? ''} ${message}`);
}
