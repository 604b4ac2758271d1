import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { poll } from '../aws/poll';
import { formatDuration } from '../runtime/duration';
import { ActionError, WaitTimeoutError, withContext } from '../runtime/errors';
import { deploymentProgress } from './rollout';
import { DESCRIBE_SERVICES_BATCH, chunk, primaryDeployment, shortArn } from './service-state';
import { isTransient, type WaitSettings } from './wait';

/** A deployment a service is still rolling out: someone else's, which we must not replace. */
export interface InFlightDeployment {
  service: string;
  deploymentId: string;
  taskDefinitionArn: string;
  /** "1/2 running, 1 pending" */
  progress: string;
}

/** What waiting for in-flight deployments needs (no target health). */
export type InFlightSettings = Pick<
  WaitSettings,
  'ecs' | 'cluster' | 'timeout' | 'pollInterval' | 'clock' | 'logger'
>;

/**
 * The deployment a service is still rolling out, or undefined when it has settled. With a
 * rollout state (ECS controller) the PRIMARY is in flight until COMPLETED or FAILED; when ECS
 * rolls a FAILED deployment back, the rollback is a new PRIMARY, in flight in turn. Controllers
 * without a rollout state are in flight while the service has more than one deployment.
 */
export function inFlightDeployment(service: Service): InFlightDeployment | undefined {
  const primary = primaryDeployment(service);
  if (!primary) return undefined;
  const settled =
    primary.rolloutState !== undefined
      ? primary.rolloutState === 'COMPLETED' || primary.rolloutState === 'FAILED'
      : (service.deployments?.length ?? 0) <= 1;
  if (settled) return undefined;
  return {
    service: service.serviceName ?? '',
    deploymentId: primary.id ?? 'an unknown deployment',
    taskDefinitionArn: primary.taskDefinition ?? service.taskDefinition ?? '',
    progress: deploymentProgress(primary),
  };
}

function describeInFlight(deployment: InFlightDeployment): string {
  return `${deployment.deploymentId} (revision ${shortArn(deployment.taskDefinitionArn)})`;
}

/**
 * Before we update services: waits (same poller, timeout and poll interval as a rollout) until
 * none of them has a deployment in flight, and returns their settled DescribeServices views in
 * the order given. When the wait times out, throws an `ActionError` naming each deployment
 * still in flight; nothing has been changed then. Without anything in flight, makes no call.
 */
export async function waitForInFlight(settings: InFlightSettings, services: Service[]): Promise<Service[]> {
  const latest = new Map(services.map((service) => [service.serviceName ?? '', service]));
  const pending = new Map<string, InFlightDeployment>();
  for (const service of services) {
    const inFlight = inFlightDeployment(service);
    if (!inFlight) continue;
    pending.set(inFlight.service, inFlight);
    settings.logger.info(
      `Service ${inFlight.service} is rolling out ${describeInFlight(inFlight)} started by someone else; waiting for it to finish before deploying`,
    );
  }
  if (pending.size === 0) return services;
  try {
    await poll({
      what: `${[...pending.keys()].join(', ')} to finish the deployments in flight`,
      interval: settings.pollInterval,
      timeout: settings.timeout,
      clock: settings.clock,
      check: async () => {
        try {
          for (const batch of chunk([...pending.keys()], DESCRIBE_SERVICES_BATCH))
            for (const service of await describeActive(settings, batch)) {
              latest.set(service.serviceName ?? '', service);
              follow(settings, pending, service);
            }
        } catch (error) {
          if (!isTransient(error)) throw error;
          settings.logger.warning(`Polling failed, will retry: ${(error as Error).message}`);
        }
        if (pending.size === 0) return { done: true, value: undefined };
        const progress = [...pending.values()].map((d) => `${d.service}: ${d.deploymentId} ${d.progress}`);
        return { done: false, progress: `Waiting for ${progress.join('; ')}` };
      },
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw inFlightTimeout([...pending.values()], settings.timeout, error);
  }
  return services.map((service) => latest.get(service.serviceName ?? '') as Service);
}

async function describeActive(settings: InFlightSettings, names: string[]): Promise<Service[]> {
  const response = await withContext(`describe services in cluster ${settings.cluster}`, () =>
    settings.ecs.send(new DescribeServicesCommand({ cluster: settings.cluster, services: names })),
  );
  const found = (response.services ?? []).filter((service) => service.status === 'ACTIVE');
  const gone = names.filter((name) => !found.some((service) => service.serviceName === name));
  if (gone.length > 0)
    throw new ActionError(
      `Service ${gone.join(', ')} disappeared while waiting for its deployment in flight; nothing was changed`,
      { title: 'Unknown service' },
    );
  return found;
}

/** Notes a settled service, or a new deployment in flight (ECS's rollback, another deployer). */
function follow(
  settings: InFlightSettings,
  pending: Map<string, InFlightDeployment>,
  service: Service,
): void {
  const name = service.serviceName ?? '';
  const before = pending.get(name) as InFlightDeployment;
  const now = inFlightDeployment(service);
  if (!now) {
    const primary = primaryDeployment(service);
    pending.delete(name);
    settings.logger.info(
      `${name}: settled on ${shortArn(primary?.taskDefinition ?? service.taskDefinition ?? '')} (${primary?.id ?? 'no deployment'}, ${primary?.rolloutState ?? 'steady'}); deploying now`,
    );
    return;
  }
  if (now.deploymentId !== before.deploymentId)
    settings.logger.info(`${name}: now rolling out ${describeInFlight(now)}; still waiting`);
  pending.set(name, now);
}

function inFlightTimeout(
  inFlight: InFlightDeployment[],
  timeout: number,
  cause: WaitTimeoutError,
): ActionError {
  const list = inFlight.map((d) => `${d.service} (${describeInFlight(d)}, ${d.progress})`).join('; ');
  const one = inFlight.length === 1;
  return new ActionError(
    `Not deploying: after waiting ${formatDuration(timeout)}, ${one ? 'a deployment started by someone else is' : 'deployments started by someone else are'} still in progress on ${one ? 'service' : 'services'} ${list}. Nothing was changed; deploy again once ${one ? 'it finishes' : 'they finish'}, or raise the timeout`,
    { title: 'Deployment in progress', cause },
  );
}
