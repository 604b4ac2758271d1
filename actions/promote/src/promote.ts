/**
 * The promotion, step by step: read the source, evaluate the gate (and check the target is not
 * already alarming), deploy the same revision through the shared rollout code, bake, tag.
 * Every step records what it found in the report, so outputs and summary exist on every path.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { realClock, type Clock } from '../../../src/shared/aws/poll';
import { bake } from '../../../src/shared/alarms/bake';
import { checkGate } from '../../../src/shared/alarms/check-gate';
import { fetchAlarms } from '../../../src/shared/alarms/fetch';
import { evaluateGate } from '../../../src/shared/alarms/gate';
import { deployRevision, rollBackServices, shortArn } from '../../../src/shared/ecs/deploy-revision';
import { describeServicesOrFail, runningRevision } from '../../../src/shared/ecs/service-state';
import {
  familyOf,
  findScheduledRules,
  retargetScheduledRules,
} from '../../../src/shared/ecs/scheduled-tasks';
import { DeploymentFailedError, GateBlockedError } from '../../../src/shared/runtime/errors';
import type { Logger } from '../../../src/shared/runtime/logger';
import { finishRecord, startRecord } from './github-record';
import type { PromoteInputs } from './inputs';
import { blockedMessage, type PromotionReport } from './report';
import { readSource, sourceProblems } from './source';
import { tagPromotion } from './tag-revision';

export interface PromoteClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  events: EventBridgeClient;
}

export interface PromoteContext {
  logger: Logger;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
}

/** Runs the promotion, filling `report`; throws a typed error on every red path. */
export async function promote(
  clients: PromoteClients,
  inputs: PromoteInputs,
  report: PromotionReport,
  context: PromoteContext,
): Promise<void> {
  const clock = context.clock ?? realClock;
  const { logger } = context;
  await logger.group('Checking the source, the gate and the target', () =>
    checkPreconditions(clients, inputs, report, { logger, clock }),
  );
  if (report.blockedBy.length > 0 || report.sourceProblems.length > 0) {
    report.result = 'blocked';
    throw new GateBlockedError(blockedMessage(report));
  }
  const arn = report.taskDefinitionArn as string;
  if (inputs.dryRun) {
    report.result = 'dry-run';
    logger.info(`Dry run: would deploy ${shortArn(arn)} to ${inputs.targetCluster}; nothing changed`);
    return;
  }
  const github = inputs.github
    ? await startRecord(
        {
          token: inputs.github.token,
          environment: inputs.github.environment,
          description: `Promote ${shortArn(arn)} from ${inputs.sourceCluster} to ${inputs.targetCluster}`,
          payload: {
            taskDefinitionArn: arn,
            sourceCluster: inputs.sourceCluster,
            targetCluster: inputs.targetCluster,
          },
          env: context.env,
          fetchImpl: context.fetchImpl,
        },
        logger,
      )
    : undefined;
  report.github = github?.record;
  try {
    await deployAndBake(clients, inputs, report, { logger, clock });
  } catch (error) {
    if (github) await finishRecord(github.client, github.record, 'failure', (error as Error).message, logger);
    throw error;
  }
  if (github)
    await finishRecord(
      github.client,
      github.record,
      inputs.wait ? 'success' : 'in_progress',
      inputs.wait ? `${shortArn(arn)} promoted` : `${shortArn(arn)} deploying (not waited for)`,
      logger,
    );
}

async function checkPreconditions(
  clients: PromoteClients,
  inputs: PromoteInputs,
  report: PromotionReport,
  { logger, clock }: { logger: Logger; clock: Clock },
): Promise<void> {
  const source = await readSource(
    clients.ecs,
    inputs.sourceCluster,
    inputs.services.map((pair) => pair.source),
  );
  report.source = source;
  report.taskDefinitionArn = source.taskDefinitionArn;
  report.sourceProblems = sourceProblems(source, {
    soakMs: inputs.soakMs,
    allowTags: inputs.allowTags,
    now: clock.now(),
  });
  report.gate = await checkGate(
    clients.cloudwatch,
    inputs.gateAlarms,
    { soakMs: inputs.soakMs, insufficientData: inputs.insufficientData },
    { now: () => clock.now(), logger },
  );
  const targets = await describeServicesOrFail(
    clients.ecs,
    inputs.targetCluster,
    inputs.services.map((pair) => pair.target),
  );
  report.previous = Object.fromEntries(
    targets.map((service) => [service.serviceName ?? '', runningRevision(service).taskDefinitionArn]),
  );
  // Found now so that a named rule without a matching target fails before anything is written.
  if (source.taskDefinitionArn)
    report.scheduledRules = await findScheduledRules(
      clients.events,
      inputs.scheduledTasks,
      targets[0].clusterArn ?? '',
      familyOf(source.taskDefinitionArn),
    );
  // The bake cannot tell our damage from damage already there: refuse to deploy into a target
  // whose alarms already fire (or do not exist), as ECS's own deployment alarms would not.
  const target = await fetchAlarms(clients.cloudwatch, inputs.targetAlarms);
  report.targetGate = evaluateGate(
    target.alarms,
    target.unmatched,
    { soakMs: 0, insufficientData: 'allow' },
    clock.now(),
  ).verdicts;
  report.blockedBy = [
    ...report.gate.blockedBy,
    ...report.targetGate.filter((v) => v.verdict === 'block').map((v) => v.alarm),
  ];
}

async function deployAndBake(
  clients: PromoteClients,
  inputs: PromoteInputs,
  report: PromotionReport,
  { logger, clock }: { logger: Logger; clock: Clock },
): Promise<void> {
  const arn = report.taskDefinitionArn as string;
  const watchFrom = clock.now();
  const services = inputs.services.map((pair) => pair.target);
  report.deploy = await deployRevision(clients, {
    cluster: inputs.targetCluster,
    services,
    taskDefinitionArn: arn,
    wait: inputs.wait,
    timeout: inputs.timeoutMs,
    pollInterval: inputs.pollIntervalMs,
    rollback: inputs.rollback,
    clock,
    logger,
  });
  if (!report.deploy.ok) {
    const rolledBack = report.deploy.services.some(
      (s) => s.outcome === 'rolled-back' || s.outcome === 'ecs-rolled-back',
    );
    report.result = rolledBack ? 'rolled-back' : 'failed';
    const failed = report.deploy.services.filter(
      (s) => !['deployed', 'unchanged', 'started'].includes(s.outcome),
    );
    throw new DeploymentFailedError(
      `Deploying ${shortArn(arn)} to ${inputs.targetCluster} failed: ${failed.map((s) => `${s.service}: ${s.outcome}${s.reason ? ` (${s.reason})` : ''}`).join('; ')}`,
    );
  }
  if (!inputs.wait) {
    report.result = 'promoted';
    logger.info(
      'Not waiting (wait: false): no bake, scheduled tasks are not retargeted, and the revision is not tagged as promoted',
    );
    return;
  }
  if (inputs.targetAlarms.length > 0)
    report.bake = await logger.group('Baking', () =>
      bake(clients.cloudwatch, inputs.targetAlarms, {
        bakeMs: inputs.bakeMs,
        pollInterval: inputs.pollIntervalMs,
        watchFrom,
        clock,
        logger,
      }),
    );
  if (report.bake?.outcome === 'alarm') await rollBackAfterBake(clients, inputs, report, { logger, clock });
  // Scheduled tasks move only once the services run the revision and the bake passed.
  report.retargeted = (await retargetScheduledRules(clients.events, report.scheduledRules, arn, logger)).map(
    (r) => r.rule,
  );
  report.tag = await tagPromotion(clients.ecs, arn, inputs.targetCluster, clock.now()).catch(
    (error: Error) => {
      // The promotion itself succeeded; a missing tag must not turn it red, but must be seen.
      logger.warning(
        `${error.message}. The promotion succeeded; tag the revision by hand for later rollbacks`,
      );
      return { error: error.message };
    },
  );
  report.result = 'promoted';
  logger.info(`Promoted ${shortArn(arn)} to ${inputs.targetCluster}`);
}

async function rollBackAfterBake(
  clients: PromoteClients,
  inputs: PromoteInputs,
  report: PromotionReport,
  { logger, clock }: { logger: Logger; clock: Clock },
): Promise<never> {
  const arn = report.taskDefinitionArn as string;
  const fired = (report.bake?.fired ?? []).map((alarm) => alarm.name).join(', ');
  // Someone may have deployed during the bake: roll back only services still on our revision,
  // never over another deployment.
  const now = await describeServicesOrFail(clients.ecs, inputs.targetCluster, Object.keys(report.previous));
  const stillOurs = new Set(
    now.filter((service) => runningRevision(service).taskDefinitionArn === arn).map((s) => s.serviceName),
  );
  const replaced = Object.keys(report.previous).filter(
    (service) => movedOn(report, service) || !stillOurs.has(service),
  );
  const revisions = Object.fromEntries(
    Object.entries(report.previous).filter(
      ([service, previous]) => previous && previous !== arn && !replaced.includes(service),
    ),
  );
  if (replaced.length > 0 && Object.keys(revisions).length > 0)
    logger.warning(
      `Not rolling back ${replaced.join(', ')}: another deployment has replaced ours there since`,
    );
  if (inputs.rollback === 'none' || Object.keys(revisions).length === 0) {
    report.result = 'failed';
    throw new DeploymentFailedError(
      `Target alarm ${fired} fired during the bake; ${
        inputs.rollback === 'none'
          ? `rollback is none, so ${inputs.targetCluster} stays on ${shortArn(arn)}`
          : replaced.length > 0
            ? `another deployment has since replaced ours on ${replaced.join(', ')}, so nothing was rolled back`
            : `no service had an earlier revision, so ${inputs.targetCluster} stays on ${shortArn(arn)}`
      }`,
    );
  }
  report.rollback = await logger.group(`Rolling back ${Object.keys(revisions).join(', ')}`, () =>
    rollBackServices(clients, {
      cluster: inputs.targetCluster,
      revisions,
      timeout: inputs.timeoutMs,
      pollInterval: inputs.pollIntervalMs,
      clock,
      logger,
    }),
  );
  report.result = report.rollback.ok ? 'rolled-back' : 'failed';
  throw new DeploymentFailedError(
    `Target alarm ${fired} fired during the bake; ${report.rollback.ok ? `rolled ${Object.keys(revisions).join(', ')} back to ${[...new Set(Object.values(revisions))].map(shortArn).join(', ')}` : 'the rollback did not finish: check the services now'}`,
  );
}

/** True when another deployment replaced ours on `service`: rolling it back would undo theirs. */
function movedOn(report: PromotionReport, service: string): boolean {
  return report.deploy?.services.some((s) => s.service === service && s.replacedBy) ?? false;
}
