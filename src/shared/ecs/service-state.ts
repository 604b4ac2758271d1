import { DescribeServicesCommand, type Deployment, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import { ActionError, withContext } from '../runtime/errors';

/** DescribeServices accepts at most 10 services per call. */
export const DESCRIBE_SERVICES_BATCH = 10;

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The short name of a service given by name or ARN. */
export function serviceName(nameOrArn: string): string {
  return nameOrArn.split('/').pop() ?? nameOrArn;
}

/**
 * Describes services (10 per call) and returns them in the order asked. Throws an `ActionError`
 * naming the cluster when it does not exist, and every service that is missing or INACTIVE.
 */
export async function describeServicesOrFail(
  ecs: ECSClient,
  cluster: string,
  services: readonly string[],
): Promise<Service[]> {
  const found = new Map<string, Service>();
  const missing: string[] = [];
  for (const batch of chunk(services, DESCRIBE_SERVICES_BATCH)) {
    const response = await withContext(`describe services in cluster ${cluster}`, () =>
      ecs.send(new DescribeServicesCommand({ cluster, services: batch })),
    ).catch((error: unknown) => {
      // ECS answers an unknown cluster with ClusterNotFoundException.
      if (error instanceof ActionError && /ClusterNotFound/.test(error.message))
        throw new ActionError(`Cluster '${cluster}' does not exist in this account and region`, {
          title: 'Unknown cluster',
          cause: error,
        });
      throw error;
    });
    for (const service of response.services ?? []) {
      // A deleted service stays visible as INACTIVE (or DRAINING) for a while.
      if (service.serviceName && service.status === 'ACTIVE') found.set(service.serviceName, service);
    }
  }
  for (const name of services) if (!found.has(serviceName(name))) missing.push(serviceName(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `'${name}'`).join(', ');
    throw new ActionError(
      `Service${missing.length > 1 ? 's' : ''} ${list} ${missing.length > 1 ? 'do' : 'does'} not exist (or ${missing.length > 1 ? 'are' : 'is'} not ACTIVE) in cluster '${cluster}'`,
      { title: 'Unknown service' },
    );
  }
  return services.map((name) => found.get(serviceName(name)) as Service);
}

/** The PRIMARY deployment: what the service is (being) moved to. */
export function primaryDeployment(service: Service): Deployment | undefined {
  return service.deployments?.find((deployment) => deployment.status === 'PRIMARY');
}

/** What a service runs: its PRIMARY deployment's revision and rollout state. */
export interface RunningRevision {
  service: string;
  taskDefinitionArn: string;
  deploymentId?: string;
  /** COMPLETED, IN_PROGRESS, FAILED, or undefined for controllers that do not report it. */
  rolloutState?: string;
  /** True when the PRIMARY deployment finished (or, without a rollout state, is the only one at full count). */
  steady: boolean;
}

/**
 * Reads what a service runs from DescribeServices output. The PRIMARY deployment's revision is
 * authoritative; `service.taskDefinition` is only the fallback (it lags for EXTERNAL controllers).
 */
export function runningRevision(service: Service): RunningRevision {
  const primary = primaryDeployment(service);
  const rolloutState = primary?.rolloutState;
  const steady =
    rolloutState !== undefined
      ? rolloutState === 'COMPLETED'
      : (service.deployments?.length ?? 0) <= 1 &&
        (primary?.runningCount ?? service.runningCount ?? 0) >= (primary?.desiredCount ?? 0);
  return {
    service: service.serviceName ?? '',
    taskDefinitionArn: primary?.taskDefinition ?? service.taskDefinition ?? '',
    deploymentId: primary?.id,
    rolloutState,
    steady,
  };
}

/** "web:12" from a task definition ARN. */
export function shortArn(arn: string): string {
  return arn.split('/').pop() ?? arn;
}
