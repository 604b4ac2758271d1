import type { TaskOverride } from '@aws-sdk/client-ecs';
import { resolveRegion } from '../../../src/shared/aws/region';
import { toTaskOverride } from '../../../src/shared/ecs/pre-deploy-task';
import {
  parseScheduledTaskSelection,
  type ScheduledTaskSelection,
} from '../../../src/shared/ecs/scheduled-tasks';
import { InputError } from '../../../src/shared/runtime/errors';
import { Inputs } from '../../../src/shared/runtime/inputs';

/** Input names, exactly as in action.yml. */
export const INPUTS = {
  taskDefinition: 'task-definition',
  taskDefinitionArn: 'task-definition-arn',
  images: 'images',
  pinDigests: 'pin-digests',
  vars: 'vars',
  nodeConfigVolume: 'node-config-volume',
  cluster: 'cluster',
  services: 'services',
  wait: 'wait',
  timeout: 'timeout',
  pollInterval: 'poll-interval',
  rollback: 'rollback',
  alarms: 'alarms',
  scheduledTasks: 'scheduled-tasks',
  preDeployTask: 'pre-deploy-task',
  skipUnchanged: 'skip-unchanged',
  dryRun: 'dry-run',
  region: 'region',
} as const;

/** Output names, exactly as in action.yml. */
export const OUTPUTS = {
  taskDefinitionArn: 'task-definition-arn',
  registered: 'registered',
  previousTaskDefinitionArns: 'previous-task-definition-arns',
  deploymentIds: 'deployment-ids',
  result: 'result',
} as const;

/** Either a file to render and register, or an existing revision. */
export type DeploySource =
  | {
      kind: 'file';
      path: string;
      images: Record<string, string>;
      vars: Record<string, string>;
      pinDigests: boolean;
      nodeConfigVolume?: string;
      skipUnchanged: boolean;
    }
  | { kind: 'arn'; taskDefinitionArn: string };

export interface DeployInputs {
  source: DeploySource;
  cluster: string;
  services: string[];
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  rollback: 'auto' | 'none';
  alarms: string[];
  scheduledTasks: ScheduledTaskSelection;
  preDeployTask?: TaskOverride;
  dryRun: boolean;
  region: string;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CONTAINER_IMAGE_LINE = /^([A-Za-z0-9_-]{1,255})=(\S+)$/;
const TASK_DEFINITION_REF =
  /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}(:\d+)?$/;

/** `container=image` lines, or one bare image (key ''). */
export function parseImages(lines: string[]): Record<string, string> {
  const images: Record<string, string> = {};
  for (const line of lines) {
    const pair = CONTAINER_IMAGE_LINE.exec(line);
    if (pair) {
      if (pair[1] in images) throw new InputError(INPUTS.images, `sets container '${pair[1]}' twice`);
      images[pair[1]] = pair[2];
    } else if (/\s/.test(line) || line.includes('=')) {
      throw new InputError(
        INPUTS.images,
        `has a line that is neither container=image nor an image: '${line}'`,
      );
    } else images[''] = line;
  }
  if ('' in images && Object.keys(images).length > 1)
    throw new InputError(
      INPUTS.images,
      'mixes a bare image with container=image lines',
      'Use container=image for every line',
    );
  return images;
}

function source(inputs: Inputs): DeploySource {
  const file = inputs.optional(INPUTS.taskDefinition);
  const arn = inputs.optional(INPUTS.taskDefinitionArn);
  const images = parseImages(inputs.list(INPUTS.images));
  const vars = inputs.map(INPUTS.vars);
  const pinDigests = inputs.boolean(INPUTS.pinDigests, false);
  const volume = inputs.string(INPUTS.nodeConfigVolume, '/etc/container_config');
  const skipUnchanged = inputs.boolean(INPUTS.skipUnchanged, true);
  if (file && arn)
    throw new InputError(
      INPUTS.taskDefinition,
      `and '${INPUTS.taskDefinitionArn}' are both set`,
      'Give exactly one: a file to register, or an existing revision to deploy',
    );
  if (!file && !arn)
    throw new InputError(
      INPUTS.taskDefinition,
      `is not set, and neither is '${INPUTS.taskDefinitionArn}'`,
      'Give exactly one: a file to register, or an existing revision to deploy',
    );
  if (arn) {
    const rendering =
      Object.keys(images).length > 0
        ? INPUTS.images
        : Object.keys(vars).length > 0
          ? INPUTS.vars
          : pinDigests
            ? INPUTS.pinDigests
            : undefined;
    if (rendering)
      throw new InputError(
        rendering,
        `only applies with '${INPUTS.taskDefinition}'`,
        `'${INPUTS.taskDefinitionArn}' deploys a revision as registered`,
      );
    if (!TASK_DEFINITION_REF.test(arn))
      throw new InputError(
        INPUTS.taskDefinitionArn,
        `is not a task definition ARN or family:revision: '${arn}'`,
      );
    return { kind: 'arn', taskDefinitionArn: arn };
  }
  if (volume !== 'none' && !volume.startsWith('/'))
    throw new InputError(INPUTS.nodeConfigVolume, `must be an absolute path or none, got '${volume}'`);
  return {
    kind: 'file',
    path: file as string,
    images,
    vars,
    pinDigests,
    nodeConfigVolume: volume === 'none' ? undefined : volume,
    skipUnchanged,
  };
}

/** Parses and checks every input, cross-input rules included, before any AWS call. */
export function parseInputs(inputs = new Inputs()): DeployInputs {
  const parsed = {
    source: source(inputs),
    cluster: inputs.required(INPUTS.cluster, 'Name the ECS cluster'),
    services: inputs.list(INPUTS.services, { commas: true }),
    wait: inputs.boolean(INPUTS.wait, true),
    timeoutMs: inputs.duration(INPUTS.timeout, { default: '30m', min: 1000 }),
    pollIntervalMs: inputs.duration(INPUTS.pollInterval, { default: '10s', min: 100, max: 300_000 }),
    rollback: inputs.choice(INPUTS.rollback, ['auto', 'none'] as const, 'auto'),
    alarms: inputs.list(INPUTS.alarms, { commas: true }),
    scheduledTasks: parseScheduledTaskSelection(inputs, INPUTS.scheduledTasks),
    preDeployTask: inputs.json(INPUTS.preDeployTask, toTaskOverride),
    dryRun: inputs.boolean(INPUTS.dryRun, false),
    region: resolveRegion(inputs.optional(INPUTS.region)),
  };
  if (!/^[A-Za-z0-9_-]{1,255}$|^arn:/.test(parsed.cluster))
    throw new InputError(INPUTS.cluster, `is not a cluster name or ARN: '${parsed.cluster}'`);
  if (parsed.services.length === 0)
    throw new InputError(
      INPUTS.services,
      'is required',
      'Give one or more service names, one per line or comma-separated',
    );
  const bad = parsed.services.find((service) => !NAME.test(service));
  if (bad)
    throw new InputError(
      INPUTS.services,
      `has '${bad}', which is not a service name`,
      'Service names are letters, digits, - and _',
    );
  return parsed;
}
