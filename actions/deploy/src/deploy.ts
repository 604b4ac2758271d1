import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type {
  ECSClient,
  RegisterTaskDefinitionCommandInput,
  Service,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  deployRevision,
  shortArn,
  type DeployRevisionResult,
  type ServiceOutcome,
} from '../../../src/shared/ecs/deploy-revision';
import { assertAlarmsQuiet } from '../../../src/shared/ecs/deployment-alarms';
import { canonicalText } from '../../../src/shared/ecs/normalize';
import { pinImageDigests } from '../../../src/shared/ecs/pin-digests';
import { runPreDeployTask, type PreDeployTaskResult } from '../../../src/shared/ecs/pre-deploy-task';
import { describeRevision, latestActiveRevision, registerOrReuse } from '../../../src/shared/ecs/register';
import {
  findScheduledRules,
  retargetScheduledRules,
  type ScheduledRule,
} from '../../../src/shared/ecs/scheduled-tasks';
import { describeServicesOrFail, runningRevision } from '../../../src/shared/ecs/service-state';
import { lineDiff } from '../../../src/shared/ecs/text-diff';
import { DeploymentFailedError } from '../../../src/shared/runtime/errors';
import type { Logger } from '../../../src/shared/runtime/logger';
import type { DeployInputs } from './inputs';
import { renderTaskDefinitionFile } from './render-file';

export interface DeployClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  events: EventBridgeClient;
  /** An ECR client for an image's region (pin-digests). */
  ecrFor: (region: string) => ECRClient;
}

/** Everything a run found and did; outputs and the summary are made from it, also on failure. */
export interface DeployReport {
  taskDefinitionArn?: string;
  registered: boolean;
  previous: Record<string, string>;
  unknownKeys: string[];
  pinned: { container: string; from: string; to: string }[];
  diffs: { service: string; from: string; diff: string }[];
  scheduledRules: ScheduledRule[];
  retargeted: string[];
  preDeployTask?: PreDeployTaskResult;
  rollout?: DeployRevisionResult;
  result?: 'deployed' | 'rolled-back' | 'superseded' | 'unchanged' | 'dry-run';
}

export function newReport(): DeployReport {
  return {
    registered: false,
    previous: {},
    unknownKeys: [],
    pinned: [],
    diffs: [],
    scheduledRules: [],
    retargeted: [],
  };
}

/**
 * The deploy: render (pure, before any AWS call), check services and alarms, register (or reuse),
 * run the pre-deploy task, roll out, retarget scheduled tasks once the services are healthy.
 */
export async function deploy(
  clients: DeployClients,
  inputs: DeployInputs,
  report: DeployReport,
  context: { logger: Logger; workspace: string },
): Promise<void> {
  const { logger } = context;
  const rendered =
    inputs.source.kind === 'file' ? renderTaskDefinitionFile(inputs.source, context) : undefined;
  if (rendered) report.unknownKeys = rendered.unknownKeys;
  const services = await describeServicesOrFail(clients.ecs, inputs.cluster, inputs.services);
  for (const service of services)
    report.previous[service.serviceName ?? ''] = runningRevision(service).taskDefinitionArn;
  const existing =
    inputs.source.kind === 'arn'
      ? await describeRevision(clients.ecs, inputs.source.taskDefinitionArn)
      : undefined;
  const input = rendered?.input;
  if (input && inputs.source.kind === 'file' && inputs.source.pinDigests)
    report.pinned = await pinImageDigests(input, clients.ecrFor, logger);
  const family = input?.family ?? existing?.family ?? '';
  const latest = input ? await latestActiveRevision(clients.ecs, family) : existing;
  report.scheduledRules = await findScheduledRules(
    clients.events,
    inputs.scheduledTasks,
    services[0].clusterArn ?? '',
    family,
  );
  await assertAlarmsQuiet(clients.cloudwatch, inputs.alarms);

  if (inputs.dryRun)
    return dryRun(clients, services, input ?? (existing as TaskDefinition), latest, report, inputs);

  if (input) {
    const skipUnchanged = inputs.source.kind === 'file' && inputs.source.skipUnchanged;
    const registered = await registerOrReuse(clients.ecs, input, { skipUnchanged, latest, logger });
    report.taskDefinitionArn = registered.taskDefinitionArn;
    report.registered = registered.registered;
  } else report.taskDefinitionArn = existing?.taskDefinitionArn;
  const arn = report.taskDefinitionArn as string;

  if (inputs.preDeployTask)
    report.preDeployTask = await logger.group('Pre-deploy task', () =>
      runPreDeployTask(clients, {
        cluster: inputs.cluster,
        taskDefinitionArn: arn,
        containerDefinitions: (input ?? existing)?.containerDefinitions ?? [],
        overrides: inputs.preDeployTask ?? {},
        like: services[0],
        timeout: inputs.timeoutMs,
        pollInterval: inputs.pollIntervalMs,
        logger,
      }),
    );

  report.rollout = await deployRevision(clients, {
    cluster: inputs.cluster,
    services: inputs.services,
    taskDefinitionArn: arn,
    wait: inputs.wait,
    timeout: inputs.timeoutMs,
    pollInterval: inputs.pollIntervalMs,
    rollback: inputs.rollback,
    alarms: inputs.alarms,
    logger,
  });
  const outcomes = report.rollout.services.map((service) => service.outcome);
  if (!report.rollout.ok) {
    report.result = failedResult(outcomes);
    throw new DeploymentFailedError(failureMessage(report.rollout, arn));
  }
  // Scheduled tasks move only once the services run the revision successfully, and not when
  // another deployment has since replaced ours: its run retargets them.
  const movedOn = report.rollout.services.filter((service) => service.replacedBy);
  if (movedOn.length > 0 && report.scheduledRules.length > 0)
    logger.warning(
      `Scheduled tasks left alone: ${movedOn.map((s) => s.service).join(', ')} already moved on to another deployment`,
    );
  else
    report.retargeted = (
      await retargetScheduledRules(clients.events, report.scheduledRules, arn, logger)
    ).map((r) => r.rule);
  report.result = outcomes.every((o) => o === 'unchanged') && !report.registered ? 'unchanged' : 'deployed';
}

/** `rolled-back` when a service was put back (by us or ECS), `superseded` when another deployment replaced ours. */
function failedResult(outcomes: ServiceOutcome[]): DeployReport['result'] {
  if (outcomes.some((o) => o === 'rolled-back' || o === 'ecs-rolled-back')) return 'rolled-back';
  return outcomes.includes('superseded') ? 'superseded' : undefined;
}

function failureMessage(rollout: DeployRevisionResult, arn: string): string {
  const failed = rollout.services.filter((s) => !['deployed', 'unchanged', 'started'].includes(s.outcome));
  const parts = failed.map((s) => `${s.service} ${s.outcome}${s.reason ? ` (${s.reason})` : ''}`);
  return `Deploying ${shortArn(arn)} failed: ${parts.join('; ')}`;
}

async function dryRun(
  clients: DeployClients,
  services: Service[],
  wanted: RegisterTaskDefinitionCommandInput | TaskDefinition,
  latest: TaskDefinition | undefined,
  report: DeployReport,
  inputs: DeployInputs,
): Promise<void> {
  report.result = 'dry-run';
  const reuse =
    inputs.source.kind === 'arn' || (latest && lineDiff(canonicalText(latest), canonicalText(wanted)) === '');
  report.taskDefinitionArn = reuse ? latest?.taskDefinitionArn : undefined;
  const described = new Map<string, TaskDefinition>();
  for (const service of services) {
    const from = runningRevision(service).taskDefinitionArn;
    if (!described.has(from))
      described.set(from, await describeRevision(clients.ecs, from, { requireActive: false }));
    const diff = lineDiff(canonicalText(described.get(from) as TaskDefinition), canonicalText(wanted));
    report.diffs.push({ service: service.serviceName ?? '', from, diff });
  }
}
