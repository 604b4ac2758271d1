import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  RunTaskCommand,
  type ContainerDefinition,
  type ECSClient,
  type Service,
  type Task,
  type TaskOverride,
} from '@aws-sdk/client-ecs';
import { poll, type Clock } from '../aws/poll';
import { DeploymentFailedError, describeAwsError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { Markdown } from '../runtime/markdown';
import { toStoppedTask, type StoppedTask } from './failure-report';
import { describeStop } from './wait';

export interface PreDeployTaskOptions {
  cluster: string;
  taskDefinitionArn: string;
  containerDefinitions: ContainerDefinition[];
  overrides: TaskOverride;
  /** A service whose launch type / capacity providers and network configuration the task copies. */
  like?: Service;
  timeout: number;
  pollInterval: number;
  clock?: Clock;
  logger: Logger;
}

export interface PreDeployTaskResult {
  taskArn: string;
  stopped: StoppedTask;
  /** Last lines of each awslogs container's stream, by container. */
  logTails: Record<string, string[]>;
}

const TAIL_LINES = 30;

/** Accepts `{containerOverrides: [...]}` (a TaskOverride) or a bare list of container overrides. */
export function toTaskOverride(value: unknown): TaskOverride {
  if (Array.isArray(value)) return { containerOverrides: value };
  if (typeof value === 'object' && value !== null) return value as TaskOverride;
  throw new Error(
    'must be a JSON object (a task override with containerOverrides) or a list of container overrides',
  );
}

/**
 * Runs a one-off task of the new revision (migrations) before any service changes and waits for
 * it to stop. A failure to start, a non-zero exit or a missing exit code throws a
 * `DeploymentFailedError` with the stop reason and the tail of its awslogs streams.
 */
export async function runPreDeployTask(
  clients: { ecs: ECSClient; logs?: CloudWatchLogsClient },
  options: PreDeployTaskOptions,
): Promise<PreDeployTaskResult> {
  const task = await startTask(clients.ecs, options);
  const taskArn = task.taskArn ?? '';
  options.logger.info(`Pre-deploy task ${taskArn.split('/').pop()} started`);
  const final = await poll({
    what: `pre-deploy task ${taskArn.split('/').pop()} to stop`,
    interval: options.pollInterval,
    timeout: options.timeout,
    clock: options.clock,
    logger: options.logger,
    check: async () => {
      const response = await withContext('describe the pre-deploy task', () =>
        clients.ecs.send(new DescribeTasksCommand({ cluster: options.cluster, tasks: [taskArn] })),
      );
      const current = response.tasks?.[0];
      if (current?.lastStatus === 'STOPPED') return { done: true, value: current };
      return { done: false, progress: `Pre-deploy task is ${current?.lastStatus ?? 'unknown'}` };
    },
  });
  const stopped = toStoppedTask(final);
  const logTails = clients.logs ? await tails(clients.logs, options, stopped.taskId) : {};
  for (const [container, lines] of Object.entries(logTails))
    await options.logger.group(`Pre-deploy task log: ${container}`, async () =>
      lines.forEach((line) => options.logger.info(line)),
    );
  const failing = stopped.containers.filter(
    (c) => c.exitCode !== 0 && isEssentialOrExited(c, options.containerDefinitions),
  );
  if (failing.length > 0 || stopped.containers.length === 0)
    throw new DeploymentFailedError(
      `The pre-deploy task failed: ${describeStop(stopped)}. No service was changed`,
      failureDetails(stopped, logTails),
    );
  options.logger.info(`Pre-deploy task finished: ${describeStop(stopped)}`);
  return { taskArn, stopped, logTails };
}

function isEssentialOrExited(
  container: StoppedTask['containers'][number],
  definitions: ContainerDefinition[],
): boolean {
  const essential = definitions.find((d) => d.name === container.name)?.essential !== false;
  return container.exitCode !== undefined || essential;
}

async function startTask(ecs: ECSClient, options: PreDeployTaskOptions): Promise<Task> {
  const like = options.like;
  const placement = like?.capacityProviderStrategy?.length
    ? { capacityProviderStrategy: like.capacityProviderStrategy }
    : { launchType: like?.launchType ?? 'EC2' };
  const response = await withContext('run the pre-deploy task', () =>
    ecs.send(
      new RunTaskCommand({
        cluster: options.cluster,
        taskDefinition: options.taskDefinitionArn,
        overrides: options.overrides,
        count: 1,
        startedBy: 'ecs-release-actions',
        ...placement,
        ...(like?.networkConfiguration ? { networkConfiguration: like.networkConfiguration } : {}),
      }),
    ),
  );
  const task = response.tasks?.[0];
  if (!task?.taskArn) {
    const reasons = (response.failures ?? []).map(
      (f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`,
    );
    throw new DeploymentFailedError(
      `The pre-deploy task could not start: ${reasons.join('; ') || 'RunTask returned no task'}. No service was changed`,
    );
  }
  return task;
}

async function tails(
  logs: CloudWatchLogsClient,
  options: PreDeployTaskOptions,
  taskId: string,
): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const container of options.containerDefinitions) {
    const config = container.logConfiguration;
    if (config?.logDriver !== 'awslogs' || !config.options?.['awslogs-group']) continue;
    const prefix = config.options['awslogs-stream-prefix'];
    // awslogs names streams prefix/container/task-id; without a prefix the stream is the container id.
    if (!prefix) continue;
    const stream = `${prefix}/${container.name}/${taskId}`;
    try {
      const response = await logs.send(
        new GetLogEventsCommand({
          logGroupName: config.options['awslogs-group'],
          logStreamName: stream,
          limit: TAIL_LINES,
          startFromHead: false,
        }),
      );
      result[container.name ?? ''] = (response.events ?? []).map((event) => event.message ?? '');
    } catch (error) {
      const { code, message } = describeAwsError(error);
      // The stream does not exist when the container never started or wrote nothing.
      if (code === 'ResourceNotFoundException')
        options.logger.info(`No log stream ${stream} in ${config.options['awslogs-group']}`);
      else options.logger.warning(`Could not read log stream ${stream}: ${code ?? ''} ${message}`);
    }
  }
  return result;
}

function failureDetails(stopped: StoppedTask, logTails: Record<string, string[]>): string {
  const markdown = new Markdown().table(
    ['Container', 'Exit code', 'Reason'],
    stopped.containers.map((c) => [c.name, c.exitCode ?? 'none', c.reason]),
  );
  for (const [container, lines] of Object.entries(logTails))
    if (lines.length > 0) markdown.heading(`Last log lines of ${container}`, 4).code(lines.join('\n'));
  return markdown.toString();
}
