import { resolveRegion } from '../../../src/shared/aws/region';
import { parseAlarmSelector, type AlarmSelector } from '../../../src/shared/alarms/fetch';
import type { InsufficientDataPolicy } from '../../../src/shared/alarms/gate';
import {
  parseScheduledTaskSelection,
  type ScheduledTaskSelection,
} from '../../../src/shared/ecs/scheduled-tasks';
import { InputError } from '../../../src/shared/runtime/errors';
import { Inputs } from '../../../src/shared/runtime/inputs';
import { maskSecret } from '../../../src/shared/runtime/logger';

/** Input names, exactly as in action.yml. */
export const INPUTS = {
  sourceCluster: 'source-cluster',
  targetCluster: 'target-cluster',
  services: 'services',
  gateAlarms: 'gate-alarms',
  soak: 'soak',
  insufficientData: 'insufficient-data',
  targetAlarms: 'target-alarms',
  bake: 'bake',
  rollback: 'rollback',
  wait: 'wait',
  timeout: 'timeout',
  pollInterval: 'poll-interval',
  allowTags: 'allow-tags',
  githubToken: 'github-token',
  environment: 'environment',
  dryRun: 'dry-run',
  scheduledTasks: 'scheduled-tasks',
  region: 'region',
} as const;

/** Output names, exactly as in action.yml. */
export const OUTPUTS = {
  taskDefinitionArn: 'task-definition-arn',
  previousTaskDefinitionArns: 'previous-task-definition-arns',
  result: 'result',
  blockedBy: 'blocked-by',
} as const;

/** A service in the source cluster and the service it is promoted to in the target cluster. */
export interface ServicePair {
  source: string;
  target: string;
}

export interface PromoteInputs {
  sourceCluster: string;
  targetCluster: string;
  services: ServicePair[];
  gateAlarms: AlarmSelector[];
  soakMs: number;
  insufficientData: InsufficientDataPolicy;
  targetAlarms: AlarmSelector[];
  bakeMs: number;
  rollback: 'auto' | 'none';
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  allowTags: boolean;
  github?: { token: string; environment: string };
  dryRun: boolean;
  scheduledTasks: ScheduledTaskSelection;
  region: string;
}

/** ECS service names: up to 255 letters, digits, hyphens and underscores. */
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** `web` (same name in both clusters) or `web:web-prod` (source:target). */
export function parseServicePair(text: string): ServicePair {
  const parts = text.split(':').map((part) => part.trim());
  if (parts.length > 2 || parts.some((part) => !SERVICE_NAME.test(part)))
    throw new InputError(
      INPUTS.services,
      `has an entry that is not a service name or a source:target pair: '${text}'`,
      'Service names are letters, digits, - and _; write web or web:web-prod',
    );
  return { source: parts[0], target: parts[1] ?? parts[0] };
}

function cluster(inputs: Inputs, name: string): string {
  const value = inputs.required(name, 'Name the ECS cluster (its name, not its ARN)');
  if (!CLUSTER_NAME.test(value))
    throw new InputError(name, `is not a cluster name: '${value}'`, 'Use the name, such as stage or prod');
  return value;
}

function selectors(inputs: Inputs, name: string): AlarmSelector[] {
  // One entry per line: alarm names may contain commas.
  return inputs.list(name).map((entry) => {
    try {
      return parseAlarmSelector(entry);
    } catch (error) {
      throw new InputError(name, (error as Error).message);
    }
  });
}

/** Parses and validates every input, cross-input rules included, before any AWS call. */
export function parseInputs(inputs = new Inputs(), env: NodeJS.ProcessEnv = process.env): PromoteInputs {
  const sourceCluster = cluster(inputs, INPUTS.sourceCluster);
  const targetCluster = cluster(inputs, INPUTS.targetCluster);
  const services = inputs.list(INPUTS.services, { commas: true }).map(parseServicePair);
  if (services.length === 0)
    throw new InputError(
      INPUTS.services,
      'is required',
      'List the services to promote, one per line or comma-separated',
    );
  const targets = services.map((pair) => pair.target);
  const twice = targets.find((target, i) => targets.indexOf(target) !== i);
  if (twice) throw new InputError(INPUTS.services, `names target service '${twice}' twice`);
  if (sourceCluster === targetCluster && services.some((pair) => pair.source === pair.target))
    throw new InputError(
      INPUTS.targetCluster,
      `is the source cluster '${sourceCluster}'`,
      'Promote to another cluster',
    );
  const wait = inputs.boolean(INPUTS.wait, true);
  const targetAlarms = selectors(inputs, INPUTS.targetAlarms);
  const bakeMs = inputs.duration(INPUTS.bake, { default: '10m', min: 0, max: 24 * 3_600_000 });
  if (!wait && targetAlarms.length > 0 && bakeMs > 0)
    throw new InputError(
      INPUTS.wait,
      'is false, but the bake watches target-alarms after the deployment finishes',
      'Set wait: true, or bake: 0 to skip the bake',
    );
  const token = inputs.optional(INPUTS.githubToken);
  if (token) maskSecret(token);
  const environment = inputs.string(INPUTS.environment, targetCluster);
  return {
    sourceCluster,
    targetCluster,
    services,
    gateAlarms: selectors(inputs, INPUTS.gateAlarms),
    soakMs: inputs.duration(INPUTS.soak, { default: '15m', min: 0 }),
    insufficientData: inputs.choice(INPUTS.insufficientData, ['block', 'allow'] as const, 'block'),
    targetAlarms,
    bakeMs,
    rollback: inputs.choice(INPUTS.rollback, ['auto', 'none'] as const, 'auto'),
    wait,
    timeoutMs: inputs.duration(INPUTS.timeout, { default: '30m', min: 1000 }),
    pollIntervalMs: inputs.duration(INPUTS.pollInterval, { default: '10s', min: 100, max: 300_000 }),
    allowTags: inputs.boolean(INPUTS.allowTags, false),
    github: token ? { token, environment } : undefined,
    dryRun: inputs.boolean(INPUTS.dryRun, false),
    scheduledTasks: parseScheduledTaskSelection(inputs, INPUTS.scheduledTasks),
    region: resolveRegion(inputs.optional(INPUTS.region), env),
  };
}
