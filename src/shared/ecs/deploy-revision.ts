import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../aws/poll';
import type { Logger } from '../runtime/logger';
import { mapConcurrent } from '../runtime/concurrency';
import { allOk, type DeployRevisionResult, type ServiceDeployResult } from './deploy-result';
import { assertAlarmsQuiet } from './deployment-alarms';
import { awaitEcsRollbacks } from './ecs-rollback';
import { waitForInFlight } from './in-flight';
import type { RolloutWatch } from './rollout';
import { applyEnd } from './rollout-end';
import { describeServicesOrFail } from './service-state';
import { startDeployment } from './start-deployment';
import { waitForRollouts, type RolloutEnd, type WaitSettings } from './wait';

export {
  allOk,
  type DeployRevisionResult,
  type ReplacingDeployment,
  type ServiceDeployResult,
  type ServiceOutcome,
} from './deploy-result';
export { shortArn } from './service-state';
export { renderDeployResult } from './render-result';

/** The clients a rollout uses. Built by the action (ClientFactory) and passed in. */
export interface DeployRevisionClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  logs?: CloudWatchLogsClient;
  /** Needed only with `alarms`. */
  cloudwatch?: CloudWatchClient;
}

export interface DeployRevisionOptions {
  cluster: string;
  services: string[];
  taskDefinitionArn: string;
  wait: boolean;
  /** ms */
  timeout: number;
  /** Cap on the delay between polls (ms). */
  pollInterval: number;
  rollback: 'auto' | 'none';
  /** CloudWatch alarms that must be quiet before we start; they become the deployment alarms. */
  alarms?: string[];
  /** Services updated at once (default 5). */
  concurrency?: number;
  clock?: Clock;
  logger: Logger;
}

export interface RollBackOptions {
  cluster: string;
  /** service → revision to put it back on */
  revisions: Record<string, string>;
  timeout: number;
  pollInterval: number;
  concurrency?: number;
  clock?: Clock;
  logger: Logger;
}

/**
 * Deploys one task definition revision to services of a cluster: refuses while a deployment
 * alarm is in ALARM, waits for deployments someone else has in flight on those services to
 * settle (throwing, having changed nothing, if they do not within `timeout`), updates the
 * services (bounded concurrency), waits for every rollout to complete with healthy targets,
 * reports why any failed, and with `rollback: auto` puts failed services back on their previous
 * revision (where ECS already rolled them back, waits for ECS's rollback). A deployment someone else replaced ours with
 * is never rolled back: ours is `superseded`, or `deployed` with `replacedBy` if it completed
 * first.
 */
export async function deployRevision(
  clients: DeployRevisionClients,
  options: DeployRevisionOptions,
): Promise<DeployRevisionResult> {
  const { ecs } = clients;
  const described = await describeServicesOrFail(ecs, options.cluster, options.services);
  await alarmsQuiet(clients, options);
  // Updating a service mid-rollout would replace someone else's deployment: let it settle first.
  const settings = waitSettings(clients, options);
  const services = await waitForInFlight(settings, described);
  if (services !== described) await alarmsQuiet(clients, options);
  const started = await mapConcurrent(services, options.concurrency ?? 5, (service) =>
    startDeployment(ecs, service, options),
  );
  const results = started.map((start) => start.result);
  const watches = started.flatMap((start) => (start.watch ? [start.watch] : []));
  if (!options.wait || watches.length === 0) return { services: results, ok: allOk(results) };

  const ends = await options.logger.group(`Waiting for ${describeCount(watches)} to finish deploying`, () =>
    waitForRollouts(settings, watches),
  );
  await Promise.all(
    watches.map(async (watch) => {
      const result = results.find((r) => r.service === watch.service) as ServiceDeployResult;
      await applyEnd(settings, result, watch, ends.get(watch.service) as RolloutEnd);
    }),
  );
  await awaitEcsRollbacks(settings, results);
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'timed-out');
  if (options.rollback === 'auto' && failed.length > 0) await rollBackFailed(clients, options, failed);
  return { services: results, ok: allOk(results) };
}

async function alarmsQuiet(clients: DeployRevisionClients, options: DeployRevisionOptions): Promise<void> {
  if (!options.alarms?.length) return;
  if (!clients.cloudwatch) throw new Error('deployRevision: alarms need a CloudWatch client');
  await assertAlarmsQuiet(clients.cloudwatch, options.alarms);
}

function describeCount(watches: RolloutWatch[]): string {
  return watches.length === 1 ? `service ${watches[0].service}` : `${watches.length} services`;
}

function waitSettings(
  clients: DeployRevisionClients,
  options: Pick<DeployRevisionOptions, 'cluster' | 'timeout' | 'pollInterval' | 'clock' | 'logger'>,
): WaitSettings {
  return {
    ecs: clients.ecs,
    elbv2: clients.elbv2,
    cluster: options.cluster,
    timeout: options.timeout,
    pollInterval: options.pollInterval,
    clock: options.clock,
    logger: options.logger,
  };
}

async function rollBackFailed(
  clients: DeployRevisionClients,
  options: DeployRevisionOptions,
  failed: ServiceDeployResult[],
): Promise<void> {
  const revisions = Object.fromEntries(
    failed.filter((r) => r.previousTaskDefinitionArn).map((r) => [r.service, r.previousTaskDefinitionArn]),
  );
  if (Object.keys(revisions).length === 0) return;
  const rolled = await options.logger.group(`Rolling back ${Object.keys(revisions).join(', ')}`, () =>
    rollBackServices(clients, { ...options, revisions }),
  );
  for (const back of rolled.services) {
    const result = failed.find((r) => r.service === back.service) as ServiceDeployResult;
    result.rollback = {
      taskDefinitionArn: back.taskDefinitionArn,
      deploymentId: back.deploymentId,
      outcome: back.outcome,
      reason: back.reason,
    };
    if (back.outcome === 'deployed' || back.outcome === 'unchanged') result.outcome = 'rolled-back';
  }
}

/**
 * Puts services back on the given revisions and waits for those rollouts (deploy's automatic
 * rollback, promote's bake-time rollback). Outcomes are those of the rollback deployments:
 * `deployed` means the service is back on its revision.
 */
export async function rollBackServices(
  clients: DeployRevisionClients,
  options: RollBackOptions,
): Promise<DeployRevisionResult> {
  const names = Object.keys(options.revisions);
  const services = await describeServicesOrFail(clients.ecs, options.cluster, names);
  const started = await mapConcurrent(services, options.concurrency ?? 5, (service) =>
    startDeployment(clients.ecs, service, {
      cluster: options.cluster,
      taskDefinitionArn: options.revisions[service.serviceName ?? ''],
      logger: options.logger,
    }),
  );
  const results = started.map((start) => start.result);
  const watches = started.flatMap((start) => (start.watch ? [start.watch] : []));
  if (watches.length > 0) {
    const settings = waitSettings(clients, options);
    const ends = await waitForRollouts(settings, watches);
    for (const watch of watches) {
      const result = results.find((r) => r.service === watch.service) as ServiceDeployResult;
      await applyEnd(settings, result, watch, ends.get(watch.service) as RolloutEnd);
    }
  }
  return { services: results, ok: allOk(results) };
}
