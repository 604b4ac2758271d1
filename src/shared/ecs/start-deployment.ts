import { UpdateServiceCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import { withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { emptyResult, type ServiceDeployResult } from './deploy-result';
import { withDeploymentAlarms } from './deployment-alarms';
import { newWatch, type RolloutWatch } from './rollout';
import { primaryDeployment, runningRevision, shortArn } from './service-state';

export interface StartDeploymentOptions {
  cluster: string;
  taskDefinitionArn: string;
  /** Deployment alarms to set on the service (with rollback). */
  alarms?: string[];
  logger: Logger;
}

/**
 * Updates one service to the revision (or notes it already runs it) and returns what to watch.
 * `service` is a fresh DescribeServices view; callers make sure nothing else is rolling out.
 */
export async function startDeployment(
  ecs: ECSClient,
  service: Service,
  options: StartDeploymentOptions,
): Promise<{ result: ServiceDeployResult; watch?: RolloutWatch }> {
  const name = service.serviceName ?? '';
  const running = runningRevision(service);
  const arn = options.taskDefinitionArn;
  const alarmsChange = (options.alarms?.length ?? 0) > 0 && !sameAlarms(service, options.alarms ?? []);
  if (running.taskDefinitionArn === arn && running.steady && !alarmsChange) {
    options.logger.info(`${name}: already runs ${shortArn(arn)}; nothing to do`);
    return { result: emptyResult(name, arn, arn, 'unchanged') };
  }
  const response = await withContext(`update service ${name}`, () =>
    ecs.send(
      new UpdateServiceCommand({
        cluster: options.cluster,
        service: name,
        taskDefinition: arn,
        ...(options.alarms?.length
          ? { deploymentConfiguration: withDeploymentAlarms(service.deploymentConfiguration, options.alarms) }
          : {}),
      }),
    ),
  );
  const primary = primaryDeployment(response.service ?? {});
  if (!primary?.id) throw new Error(`UpdateService for ${name} returned no PRIMARY deployment`);
  options.logger.info(
    `${name}: deployment ${primary.id} started: ${shortArn(running.taskDefinitionArn)} → ${shortArn(arn)}`,
  );
  const result = emptyResult(name, running.taskDefinitionArn, arn, 'started');
  result.deploymentId = primary.id;
  return { result, watch: newWatch(name, primary, running.taskDefinitionArn) };
}

function sameAlarms(service: Service, alarms: string[]): boolean {
  const current = service.deploymentConfiguration?.alarms;
  const names = [...(current?.alarmNames ?? [])].sort();
  return current?.enable === true && current.rollback === true && names.join() === [...alarms].sort().join();
}
