import { emptyResult, type ServiceDeployResult } from './deploy-result';
import { newWatch, type RolloutWatch } from './rollout';
import { applyEnd } from './rollout-end';
import { describeServicesOrFail, primaryDeployment, shortArn } from './service-state';
import { waitForRollouts, type RolloutEnd, type WaitSettings } from './wait';

/**
 * When the circuit breaker failed our deployment, ECS starts its own rollback deployment. The step
 * should not end while that is still rolling out: a red step should leave the service settled (or
 * say plainly that it is not). Waits for each ECS rollback like any rollout and records how it
 * ended in `result.rollback`; the outcome stays `ecs-rolled-back`.
 */
export async function awaitEcsRollbacks(
  settings: WaitSettings,
  results: ServiceDeployResult[],
): Promise<void> {
  const rolledBack = results.filter((result) => result.outcome === 'ecs-rolled-back');
  if (rolledBack.length === 0) return;
  const services = await describeServicesOrFail(
    settings.ecs,
    settings.cluster,
    rolledBack.map((result) => result.service),
  );
  const watches: RolloutWatch[] = [];
  for (const service of services) {
    const primary = primaryDeployment(service);
    const result = rolledBack.find((r) => r.service === service.serviceName) as ServiceDeployResult;
    if (!primary?.id || primary.taskDefinition === result.taskDefinitionArn) continue;
    result.rollback = {
      taskDefinitionArn: primary.taskDefinition ?? '',
      deploymentId: primary.id,
      outcome: primary.rolloutState === 'COMPLETED' ? 'deployed' : 'started',
    };
    if (primary.rolloutState !== 'COMPLETED')
      watches.push(newWatch(result.service, primary, result.taskDefinitionArn));
  }
  if (watches.length === 0) return;
  const ends = await settings.logger.group(
    `Waiting for ECS to finish rolling back ${watches.map((w) => w.service).join(', ')}`,
    () => waitForRollouts(settings, watches),
  );
  for (const watch of watches) {
    const result = rolledBack.find((r) => r.service === watch.service) as ServiceDeployResult;
    const back = emptyResult(watch.service, result.taskDefinitionArn, watch.taskDefinitionArn, 'started');
    await applyEnd(settings, back, watch, ends.get(watch.service) as RolloutEnd);
    result.rollback = {
      taskDefinitionArn: watch.taskDefinitionArn,
      deploymentId: watch.deploymentId,
      outcome: back.outcome,
      reason: back.reason,
    };
    settings.logger.info(
      `${watch.service}: ECS's rollback to ${shortArn(watch.taskDefinitionArn)} ${back.outcome === 'deployed' ? 'completed' : `ended ${back.outcome}${back.reason ? `: ${back.reason}` : ''}`}`,
    );
  }
}
