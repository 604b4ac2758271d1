import { DescribeServicesCommand, type Deployment, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { poll, type Clock } from '../aws/poll';
import { ActionError, WaitTimeoutError, describeAwsError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { stoppedTasks, type StoppedTask } from './failure-report';
import {
  UNHEALTHY_TARGET_POLLS,
  assessRollout,
  takeNewEvents,
  type RolloutVerdict,
  type RolloutWatch,
} from './rollout';
import { DESCRIBE_SERVICES_BATCH, chunk } from './service-state';
import {
  ContainerInstanceIds,
  deploymentTasks,
  expectedTargets,
  judgeTargets,
  targetHealth,
  type TaskTarget,
} from './target-health';

export interface WaitSettings {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  cluster: string;
  timeout: number;
  pollInterval: number;
  clock?: Clock;
  logger: Logger;
}

/** How one service's rollout ended. */
export interface RolloutEnd {
  state: 'deployed' | 'failed' | 'ecs-rolled-back' | 'replaced' | 'timed-out';
  reason?: string;
  rollbackDeploymentId?: string;
  /** `replaced`: the deployment someone else started over ours, and ours as last seen. */
  replacedBy?: Deployment;
  ours?: Deployment;
  /** Targets of the new tasks as last seen (health included). */
  targets: TaskTarget[];
  /** Stopped tasks of the new revision noticed while waiting. */
  stopped: StoppedTask[];
}

// Errors worth another poll rather than a failed wait: throttling and server-side trouble that
// outlasted the SDK's own retries.
const TRANSIENT =
  /Throttl|TooManyRequests|RequestLimitExceeded|ServiceUnavailable|InternalServerError|ServerException|ECONNRESET|ETIMEDOUT|socket hang up/i;

/** True when a failed call during the wait should just be retried on the next poll. */
export function isTransient(error: unknown): boolean {
  const cause = error instanceof ActionError && error.cause ? error.cause : error;
  const { code, message } = describeAwsError(cause);
  return TRANSIENT.test(`${code ?? ''} ${message}`);
}

/**
 * Waits until every watched rollout ends. One DescribeServices per 10 services per poll; the
 * delay between polls never exceeds `pollInterval`. Logs new service events, progress changes
 * and stopped tasks as they appear. Never throws for a failed rollout: the result says so.
 */
export async function waitForRollouts(
  settings: WaitSettings,
  watches: RolloutWatch[],
): Promise<Map<string, RolloutEnd>> {
  const ends = new Map<string, RolloutEnd>();
  const pending = new Map(watches.map((watch) => [watch.service, watch]));
  const targets = new Map<string, TaskTarget[]>();
  const stopped = new Map<string, StoppedTask[]>();
  const instances = new ContainerInstanceIds(settings.ecs, settings.cluster);
  const finish = (watch: RolloutWatch, end: Omit<RolloutEnd, 'targets' | 'stopped'>) => {
    ends.set(watch.service, {
      ...end,
      targets: targets.get(watch.service) ?? [],
      stopped: stopped.get(watch.service) ?? [],
    });
    pending.delete(watch.service);
  };
  try {
    await poll({
      what: `${watches.length === 1 ? `service ${watches[0].service}` : `${watches.length} services`} to finish deploying`,
      interval: settings.pollInterval,
      timeout: settings.timeout,
      clock: settings.clock,
      check: async () => {
        try {
          for (const batch of chunk([...pending.values()], DESCRIBE_SERVICES_BATCH)) {
            const services = await describe(
              settings,
              batch.map((watch) => watch.service),
            );
            for (const watch of batch) {
              const service = services.get(watch.service);
              if (!service) {
                finish(watch, { state: 'failed', reason: 'the service disappeared while deploying' });
                continue;
              }
              const end = await observe(settings, watch, service, { instances, targets, stopped });
              if (end) finish(watch, end);
            }
          }
        } catch (error) {
          if (!isTransient(error)) throw error;
          settings.logger.warning(`Polling failed, will retry: ${(error as Error).message}`);
        }
        if (pending.size === 0) return { done: true, value: undefined };
        return {
          done: false,
          progress: [...pending.values()].map((w) => w.lastProgress ?? w.service).join('; '),
        };
      },
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    for (const watch of [...pending.values()]) finish(watch, { state: 'timed-out', reason: error.message });
  }
  return ends;
}

async function describe(settings: WaitSettings, names: string[]): Promise<Map<string, Service>> {
  const response = await withContext(`describe services in cluster ${settings.cluster}`, () =>
    settings.ecs.send(new DescribeServicesCommand({ cluster: settings.cluster, services: names })),
  );
  return new Map((response.services ?? []).map((service) => [service.serviceName ?? '', service]));
}

interface ObserveState {
  instances: ContainerInstanceIds;
  targets: Map<string, TaskTarget[]>;
  stopped: Map<string, StoppedTask[]>;
}

/** One poll of one service: log what is new, judge it, check targets when due. */
async function observe(
  settings: WaitSettings,
  watch: RolloutWatch,
  service: Service,
  state: ObserveState,
): Promise<Omit<RolloutEnd, 'targets' | 'stopped'> | undefined> {
  for (const event of takeNewEvents(watch, service))
    settings.logger.info(`${watch.service}: ${event.message}`);
  await noteStoppedTasks(settings, watch, service, state.stopped);
  const verdict: RolloutVerdict = assessRollout(watch, service);
  if (verdict.state === 'failed') return { state: 'failed', reason: verdict.reason };
  if (verdict.state === 'ecs-rolled-back')
    return {
      state: 'ecs-rolled-back',
      reason: verdict.reason,
      rollbackDeploymentId: verdict.rollbackDeploymentId,
    };
  if (verdict.state === 'replaced')
    return { state: 'replaced', reason: verdict.reason, replacedBy: verdict.replacedBy, ours: verdict.ours };
  if (verdict.state === 'in-progress' && verdict.progress !== watch.lastProgress) {
    settings.logger.info(verdict.progress);
    watch.lastProgress = verdict.progress;
  }
  const hasTargets = (service.loadBalancers ?? []).some((lb) => lb.targetGroupArn);
  const due = verdict.state === 'completed' || (verdict.state === 'in-progress' && verdict.allRunning);
  if (!hasTargets) return verdict.state === 'completed' ? { state: 'deployed' } : undefined;
  if (!due) return undefined;
  const health = await checkTargets(settings, watch, service, state);
  if (health === 'healthy' && verdict.state === 'completed') return { state: 'deployed' };
  if (health === 'unhealthy' && watch.unhealthyPolls >= UNHEALTHY_TARGET_POLLS) {
    const bad = (state.targets.get(watch.service) ?? []).filter((target) => target.state === 'unhealthy');
    const why = [...new Set(bad.map((target) => target.description ?? target.reason ?? 'unhealthy'))].join(
      '; ',
    );
    return { state: 'failed', reason: `targets of the new tasks stay unhealthy: ${why}` };
  }
  return undefined;
}

async function checkTargets(
  settings: WaitSettings,
  watch: RolloutWatch,
  service: Service,
  state: ObserveState,
): Promise<'healthy' | 'unhealthy' | 'pending'> {
  const tasks = await deploymentTasks(
    settings.ecs,
    settings.cluster,
    watch.service,
    watch.deploymentId,
    'RUNNING',
  );
  const ids = await state.instances.resolve(
    tasks.map((task) => task.containerInstanceArn ?? '').filter(Boolean),
  );
  const expected = expectedTargets(service, tasks, ids);
  const seen = expected.length > 0 ? await targetHealth(settings.elbv2, expected) : [];
  const previous = new Map(
    (state.targets.get(watch.service) ?? []).map((t) => [`${t.id}:${t.port}`, t.state]),
  );
  for (const target of seen)
    if (previous.get(`${target.id}:${target.port}`) !== target.state)
      settings.logger.info(
        `${watch.service}: target ${target.id}:${target.port} is ${target.state}${target.reason ? ` (${target.reason})` : ''}`,
      );
  state.targets.set(watch.service, seen);
  const verdict = judgeTargets(seen);
  watch.unhealthyPolls = verdict === 'unhealthy' ? watch.unhealthyPolls + 1 : 0;
  return verdict;
}

/** When the deployment's failedTasks grows, fetch and log the newly stopped tasks. */
async function noteStoppedTasks(
  settings: WaitSettings,
  watch: RolloutWatch,
  service: Service,
  stopped: Map<string, StoppedTask[]>,
): Promise<void> {
  const ours = service.deployments?.find((deployment) => deployment.id === watch.deploymentId);
  const failed = ours?.failedTasks ?? 0;
  if (failed <= watch.lastFailedTasks) return;
  watch.lastFailedTasks = failed;
  const known = new Set((stopped.get(watch.service) ?? []).map((task) => task.taskId));
  const tasks = await stoppedTasks(settings.ecs, settings.cluster, watch.service, watch.deploymentId);
  for (const task of tasks.filter((t) => !known.has(t.taskId)).reverse())
    settings.logger.info(`${watch.service}: task ${task.taskId} stopped: ${describeStop(task)}`);
  stopped.set(watch.service, tasks);
}

/** "Essential container in task exited (app exit code 1)". */
export function describeStop(task: StoppedTask): string {
  const exits = task.containers
    .filter((container) => container.exitCode !== undefined || container.reason)
    .map(
      (c) =>
        `${c.name}${c.exitCode !== undefined ? ` exit code ${c.exitCode}` : ''}${c.reason ? `: ${c.reason}` : ''}`,
    );
  return `${task.stoppedReason ?? task.stopCode ?? 'stopped'}${exits.length ? ` (${exits.join(', ')})` : ''}`;
}
