import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateServiceCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock } from '../aws/poll';
import { withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { mapBounded } from './bounded-map';
import { assertAlarmsQuiet, withDeploymentAlarms } from './deployment-alarms';
import {
  serviceDeploymentInfo,
  stoppedTasks,
  type ServiceDeploymentInfo,
  type StoppedTask,
} from './failure-report';
import { newWatch, type RolloutWatch } from './rollout';
import { describeServicesOrFail, primaryDeployment, runningRevision } from './service-state';
import type { TaskTarget } from './target-health';
import { waitForRollouts, type RolloutEnd, type WaitSettings } from './wait';

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

export type ServiceOutcome =
  | 'deployed'
  | 'unchanged'
  | 'started'
  | 'failed'
  | 'rolled-back'
  | 'ecs-rolled-back'
  | 'timed-out';

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
}

export interface DeployRevisionResult {
  services: ServiceDeployResult[];
  /** True when no service failed (deployed, unchanged or started). */
  ok: boolean;
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

const OK_OUTCOMES: ServiceOutcome[] = ['deployed', 'unchanged', 'started'];
const EVENTS_KEPT = 25;

/** True when every service deployed, was unchanged, or was started without waiting. */
export function allOk(services: ServiceDeployResult[]): boolean {
  return services.every((service) => OK_OUTCOMES.includes(service.outcome));
}

/**
 * Deploys one task definition revision to services of a cluster: refuses while a deployment
 * alarm is in ALARM, updates the services (bounded concurrency), waits for every rollout to
 * complete with healthy targets, reports why any failed, and with `rollback: auto` puts failed
 * services back on their previous revision (unless ECS already rolled them back).
 */
export async function deployRevision(
  clients: DeployRevisionClients,
  options: DeployRevisionOptions,
): Promise<DeployRevisionResult> {
  const { ecs, cloudwatch } = clients;
  const services = await describeServicesOrFail(ecs, options.cluster, options.services);
  if (options.alarms?.length) {
    if (!cloudwatch) throw new Error('deployRevision: alarms need a CloudWatch client');
    await assertAlarmsQuiet(cloudwatch, options.alarms);
  }
  const started = await mapBounded(services, options.concurrency ?? 5, (service) =>
    startDeployment(ecs, service, options),
  );
  const results = started.map((start) => start.result);
  const watches = started.flatMap((start) => (start.watch ? [start.watch] : []));
  if (!options.wait || watches.length === 0) return { services: results, ok: allOk(results) };

  const settings = waitSettings(clients, options);
  const ends = await options.logger.group(`Waiting for ${describeCount(watches)} to finish deploying`, () =>
    waitForRollouts(settings, watches),
  );
  await Promise.all(
    watches.map(async (watch) => {
      const result = results.find((r) => r.service === watch.service) as ServiceDeployResult;
      await applyEnd(settings, result, watch, ends.get(watch.service) as RolloutEnd);
    }),
  );
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'timed-out');
  if (options.rollback === 'auto' && failed.length > 0) await rollBackFailed(clients, options, failed);
  return { services: results, ok: allOk(results) };
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

function emptyResult(
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

/** Updates one service (or notes it already runs the revision) and returns what to watch. */
async function startDeployment(
  ecs: ECSClient,
  service: Service,
  options: Pick<DeployRevisionOptions, 'cluster' | 'taskDefinitionArn' | 'alarms' | 'logger'>,
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

/** "web:12" from a task definition ARN. */
export function shortArn(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/** Copies a rollout's end into the result and, for a failure, collects the report. */
async function applyEnd(
  settings: WaitSettings,
  result: ServiceDeployResult,
  watch: RolloutWatch,
  end: RolloutEnd,
): Promise<void> {
  result.outcome = end.state;
  result.reason = end.reason;
  result.deploymentId = watch.deploymentId;
  result.events = watch.events.slice(-EVENTS_KEPT);
  result.unhealthyTargets = end.targets.filter((target) => target.state !== 'healthy');
  result.stoppedTasks = end.stopped;
  if (end.state === 'deployed') {
    settings.logger.info(`${watch.service}: deployed ${shortArn(watch.taskDefinitionArn)}`);
    return;
  }
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
  const started = await mapBounded(services, options.concurrency ?? 5, (service) =>
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
