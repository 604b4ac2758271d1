import type { Deployment } from '@aws-sdk/client-ecs';
import type { ServiceDeploymentInfo, StoppedTask } from './failure-report';
import type { TaskTarget } from './target-health';

/**
 * How one service's deployment ended. `superseded`: another deployment replaced ours before it
 * finished, and we rolled nothing back (that would undo someone else's deploy).
 */
export type ServiceOutcome =
  | 'deployed'
  | 'unchanged'
  | 'started'
  | 'failed'
  | 'rolled-back'
  | 'ecs-rolled-back'
  | 'superseded'
  | 'timed-out';

/** A deployment someone else started over ours. */
export interface ReplacingDeployment {
  deploymentId: string;
  taskDefinitionArn: string;
}

/** How one service's deployment ended, with what explains a failure. */
export interface ServiceDeployResult {
  service: string;
  previousTaskDefinitionArn: string;
  taskDefinitionArn: string;
  deploymentId?: string;
  outcome: ServiceOutcome;
  reason?: string;
  /** Service events since our deployment started, oldest first (at most 25). */
  events: string[];
  /** Stopped tasks of the new revision, newest first. */
  stoppedTasks: StoppedTask[];
  /** Targets of the new tasks that were not healthy when the wait ended. */
  unhealthyTargets: TaskTarget[];
  /** DescribeServiceDeployments details, where the API offers them. */
  serviceDeployment?: ServiceDeploymentInfo;
  /** Set when we put the service back: the revision and how that went. */
  rollback?: { taskDefinitionArn: string; deploymentId?: string; outcome: ServiceOutcome; reason?: string };
  /**
   * Set when another deployment replaced ours: with outcome `deployed`, ours had completed first
   * (the service has since moved on); with `superseded`, it had not.
   */
  replacedBy?: ReplacingDeployment;
}

export interface DeployRevisionResult {
  services: ServiceDeployResult[];
  /** True when no service failed (deployed, unchanged or started). */
  ok: boolean;
}

const OK_OUTCOMES: ServiceOutcome[] = ['deployed', 'unchanged', 'started'];

/** True when every service deployed, was unchanged, or was started without waiting. */
export function allOk(services: ServiceDeployResult[]): boolean {
  return services.every((service) => OK_OUTCOMES.includes(service.outcome));
}

/** A result with nothing observed yet. */
export function emptyResult(
  service: string,
  previous: string,
  arn: string,
  outcome: ServiceOutcome,
): ServiceDeployResult {
  return {
    service,
    previousTaskDefinitionArn: previous,
    taskDefinitionArn: arn,
    outcome,
    events: [],
    stoppedTasks: [],
    unhealthyTargets: [],
  };
}

/** The replacing deployment as a result records it. */
export function replacingDeployment(deployment: Deployment): ReplacingDeployment {
  return {
    deploymentId: deployment.id ?? 'an unknown deployment',
    taskDefinitionArn: deployment.taskDefinition ?? '',
  };
}
