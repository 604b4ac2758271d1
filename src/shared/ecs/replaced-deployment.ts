import type { Deployment, ECSClient, ServiceDeploymentBrief } from '@aws-sdk/client-ecs';
import type { Logger } from '../runtime/logger';
import { noDetails, serviceDeploymentsSince, type ServiceDeploymentInfo } from './failure-report';
import type { RolloutWatch } from './rollout';

/** Whether our deployment had completed before another one replaced it, and how we know. */
export interface ReplacedFate {
  completed: boolean;
  /** Our service deployment, where ListServiceDeployments is offered. */
  serviceDeployment?: ServiceDeploymentInfo;
}

/**
 * Finds out whether our deployment completed before someone else's replaced it. Service
 * deployments say so directly: a completed one stays SUCCESSFUL, one superseded in flight
 * becomes STOPPED. Where that API is not offered (or keeps failing), DescribeServices' last view
 * of our deployment decides: rolloutState COMPLETED.
 */
export async function replacedFate(
  ecs: ECSClient,
  cluster: string,
  watch: RolloutWatch,
  seen: { replacedBy: Deployment; ours?: Deployment },
  logger: Logger,
): Promise<ReplacedFate> {
  try {
    const briefs = await serviceDeploymentsSince(ecs, cluster, watch.service, watch.startedAt);
    const ours = pickOurServiceDeployment(briefs, watch.startedAt, seen.replacedBy.createdAt);
    if (ours?.serviceDeploymentArn)
      return {
        completed: ours.status === 'SUCCESSFUL',
        serviceDeployment: {
          arn: ours.serviceDeploymentArn,
          status: ours.status,
          statusReason: ours.statusReason,
          triggeredAlarms: [],
        },
      };
  } catch (error) {
    noDetails(logger, watch.service, error);
  }
  return { completed: seen.ours?.rolloutState === 'COMPLETED' };
}

/**
 * Our service deployment among those listed. Its ARN does not carry the ecs-svc/ id
 * DescribeServices shows, so it is the one created closest to our deployment's createdAt,
 * leaving out any created after the deployment that replaced ours.
 */
export function pickOurServiceDeployment(
  briefs: ServiceDeploymentBrief[],
  startedAt: Date,
  replacedAt?: Date,
): ServiceDeploymentBrief | undefined {
  const distance = (brief: ServiceDeploymentBrief) =>
    Math.abs((brief.createdAt?.getTime() ?? Infinity) - startedAt.getTime());
  // Listed newest first: on a tie (replaced within the same millisecond) ours is the older one.
  return briefs
    .map((brief, index) => ({ brief, index }))
    .filter(({ brief }) => brief.createdAt)
    .filter(({ brief }) => !replacedAt || (brief.createdAt as Date).getTime() <= replacedAt.getTime())
    .sort((a, b) => distance(a.brief) - distance(b.brief) || b.index - a.index)[0]?.brief;
}
