import type { Deployment, Service, ServiceEvent } from '@aws-sdk/client-ecs';
import { primaryDeployment } from './service-state';

/** What we follow for one service while its deployment rolls out. */
export interface RolloutWatch {
  service: string;
  /** The ecs-svc/… id UpdateService returned for our PRIMARY deployment. */
  deploymentId: string;
  taskDefinitionArn: string;
  previousTaskDefinitionArn: string;
  /** Server time our deployment was created; older events are not ours. */
  startedAt: Date;
  /** Event ids already seen (logged). */
  seenEvents: Set<string>;
  /** New service events, oldest first. */
  events: string[];
  /** Polls in which "unable to place a task" was reported. */
  unplaceableSeen: number;
  /** Consecutive polls with an unhealthy target of our tasks. */
  unhealthyPolls: number;
  /** The last progress line logged. */
  lastProgress?: string;
  /** failedTasks at the last poll, to notice new stopped tasks. */
  lastFailedTasks: number;
}

export type RolloutVerdict =
  | { state: 'in-progress'; progress: string; allRunning: boolean }
  | { state: 'completed' }
  | { state: 'failed'; reason: string }
  | { state: 'ecs-rolled-back'; reason: string; rollbackDeploymentId?: string }
  | { state: 'replaced'; reason: string; replacedBy: Deployment; ours?: Deployment };

/** Polls with "unable to place" before we call the deployment failed (ECS retries placement). */
export const UNPLACEABLE_POLLS = 2;
/** Consecutive polls with unhealthy targets before we call the deployment failed. */
export const UNHEALTHY_TARGET_POLLS = 3;

const UNPLACEABLE = /was unable to place a task/;

/** A watch for a deployment UpdateService just started. */
export function newWatch(
  service: string,
  deployment: Deployment,
  previousTaskDefinitionArn: string,
): RolloutWatch {
  return {
    service,
    deploymentId: deployment.id ?? '',
    taskDefinitionArn: deployment.taskDefinition ?? '',
    previousTaskDefinitionArn,
    startedAt: deployment.createdAt ?? new Date(0),
    seenEvents: new Set(),
    events: [],
    unplaceableSeen: 0,
    unhealthyPolls: 0,
    lastFailedTasks: 0,
  };
}

/** Service events not seen before that happened since our deployment started, oldest first. */
export function takeNewEvents(watch: RolloutWatch, service: Service): ServiceEvent[] {
  // Events come newest first, stamped by the same clock as our deployment's createdAt.
  const since = watch.startedAt.getTime();
  const fresh = (service.events ?? [])
    .filter((event) => event.id && !watch.seenEvents.has(event.id))
    .filter((event) => (event.createdAt?.getTime() ?? 0) >= since)
    .reverse();
  for (const event of fresh) {
    watch.seenEvents.add(event.id as string);
    watch.events.push(event.message ?? '');
  }
  if (fresh.some((event) => UNPLACEABLE.test(event.message ?? ''))) watch.unplaceableSeen++;
  return fresh;
}

/**
 * How many failed tasks make a deployment failed when the circuit breaker is off: the circuit
 * breaker's own threshold (half the desired count, at least 3, at most 200).
 */
export function failedTaskThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

/** "2/3 running, 1 pending, 0 failed" for a deployment. */
export function deploymentProgress(deployment: Deployment): string {
  const failed = deployment.failedTasks ? `, ${deployment.failedTasks} failed` : '';
  return `${deployment.runningCount ?? 0}/${deployment.desiredCount ?? 0} running, ${deployment.pendingCount ?? 0} pending${failed}`;
}

/**
 * Judges one DescribeServices snapshot of a service we deployed. Pure: `watch` holds what earlier
 * polls saw (events, unplaceable count). Target health is judged separately.
 */
export function assessRollout(watch: RolloutWatch, service: Service): RolloutVerdict {
  const ours = service.deployments?.find((deployment) => deployment.id === watch.deploymentId);
  const primary = primaryDeployment(service);
  if (!primary) return { state: 'failed', reason: 'the service has no PRIMARY deployment' };
  if (primary.id !== watch.deploymentId) {
    // Someone forced a new deployment of the same revision: follow it.
    if (primary.taskDefinition === watch.taskDefinitionArn && ours?.rolloutState !== 'FAILED')
      watch.deploymentId = primary.id ?? watch.deploymentId;
    else return judgeReplacedPrimary(watch, primary, ours);
  }
  if (primary.rolloutState === 'FAILED')
    return { state: 'failed', reason: primary.rolloutStateReason ?? 'the rollout FAILED' };
  const desired = primary.desiredCount ?? 0;
  const running = primary.runningCount ?? 0;
  if (primary.rolloutState === 'COMPLETED') return { state: 'completed' };
  // Controllers that do not report a rollout state: done when ours is the only deployment left
  // and runs the desired count.
  if (primary.rolloutState === undefined && (service.deployments?.length ?? 0) === 1 && running >= desired)
    return { state: 'completed' };
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker?.enable === true;
  const failed = primary.failedTasks ?? 0;
  // With the circuit breaker on, ECS fails (and maybe rolls back) at this threshold itself.
  if (!breaker && failed >= failedTaskThreshold(desired))
    return {
      state: 'failed',
      reason: `${failed} tasks of the new revision stopped while starting (the deployment circuit breaker is off, so ECS would keep retrying)`,
    };
  if (watch.unplaceableSeen >= UNPLACEABLE_POLLS) {
    const message = [...watch.events].reverse().find((event) => UNPLACEABLE.test(event));
    return { state: 'failed', reason: `tasks cannot be placed: ${message ?? 'unable to place a task'}` };
  }
  return {
    state: 'in-progress',
    progress: `${watch.service}: ${deploymentProgress(primary)} (${primary.rolloutState ?? 'no rollout state'})`,
    allRunning: desired > 0 && running >= desired,
  };
}

function judgeReplacedPrimary(
  watch: RolloutWatch,
  primary: Deployment,
  ours: Deployment | undefined,
): RolloutVerdict {
  const revision = primary.taskDefinition ?? 'an unknown revision';
  // ECS marks the deployment it rolls back FAILED. Once drained from the list we cannot tell, and
  // a new PRIMARY on our previous revision most likely is ECS's rollback.
  const backToPrevious = !ours && primary.taskDefinition === watch.previousTaskDefinitionArn;
  if (ours?.rolloutState === 'FAILED' || backToPrevious)
    return {
      state: 'ecs-rolled-back',
      reason: `ECS rolled the deployment back to ${revision}${ours?.rolloutStateReason ? `: ${ours.rolloutStateReason}` : ''}`,
      rollbackDeploymentId: primary.id,
    };
  // Someone else's UpdateService: not a failure of our revision, and never ours to roll back.
  return {
    state: 'replaced',
    reason: `another deployment (${primary.id}, ${revision}) replaced ours`,
    replacedBy: primary,
    ours,
  };
}
