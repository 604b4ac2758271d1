import { replacingDeployment, type ServiceDeployResult } from './deploy-result';
import { serviceDeploymentInfo, stoppedTasks } from './failure-report';
import { replacedFate } from './replaced-deployment';
import type { RolloutWatch } from './rollout';
import { shortArn } from './service-state';
import type { RolloutEnd, WaitSettings } from './wait';

const EVENTS_KEPT = 25;

/** Copies a rollout's end into the result and, for a failure, collects the report. */
export async function applyEnd(
  settings: WaitSettings,
  result: ServiceDeployResult,
  watch: RolloutWatch,
  end: RolloutEnd,
): Promise<void> {
  result.outcome = end.state === 'replaced' ? 'superseded' : end.state;
  result.reason = end.reason;
  result.deploymentId = watch.deploymentId;
  result.events = watch.events.slice(-EVENTS_KEPT);
  result.unhealthyTargets = end.targets.filter((target) => target.state !== 'healthy');
  result.stoppedTasks = end.stopped;
  if (end.state === 'deployed') {
    settings.logger.info(`${watch.service}: deployed ${shortArn(watch.taskDefinitionArn)}`);
    return;
  }
  if (end.state === 'replaced') return applyReplaced(settings, result, watch, end);
  settings.logger.info(`${watch.service}: ${end.state}: ${end.reason ?? ''}`);
  result.stoppedTasks = await stoppedTasks(
    settings.ecs,
    settings.cluster,
    watch.service,
    watch.deploymentId,
  ).catch(() => end.stopped);
  result.serviceDeployment = await serviceDeploymentInfo(
    settings.ecs,
    settings.cluster,
    watch.service,
    watch.startedAt,
    settings.logger,
  );
}

/**
 * Someone else's deployment replaced ours. Never a reason to roll back: that would undo their
 * deploy. If ours had completed first, we deployed (and say the service moved on since);
 * otherwise ours was superseded in flight.
 */
async function applyReplaced(
  settings: WaitSettings,
  result: ServiceDeployResult,
  watch: RolloutWatch,
  end: RolloutEnd,
): Promise<void> {
  const by = replacingDeployment(end.replacedBy ?? {});
  result.replacedBy = by;
  const fate = await replacedFate(
    settings.ecs,
    settings.cluster,
    watch,
    { replacedBy: end.replacedBy ?? {}, ours: end.ours },
    settings.logger,
  );
  result.serviceDeployment = fate.serviceDeployment;
  const other = `${by.deploymentId} running ${shortArn(by.taskDefinitionArn)}`;
  if (fate.completed) {
    result.outcome = 'deployed';
    result.reason = undefined;
    settings.logger.warning(
      `${watch.service}: deployed ${shortArn(watch.taskDefinitionArn)}; since replaced by ${other}`,
    );
    return;
  }
  result.reason = `another deployment (${by.deploymentId}, ${shortArn(by.taskDefinitionArn)}) replaced ours (${watch.deploymentId}) before it finished; nothing was rolled back`;
  settings.logger.info(`${watch.service}: superseded: ${result.reason}`);
}
