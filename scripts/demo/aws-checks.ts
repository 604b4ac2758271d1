/**
 * Reads AWS state back after a step, so the demo reports what actually happened in the
 * emulator rather than what an action said: which revision each service runs, where the cron
 * rule points, alarm states, the playbook pointer, the baked image and launch template.
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImagesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ListTagsForResourceCommand, type Deployment } from '@aws-sdk/client-ecs';
import { ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Check } from './step';
import { shortArn, type World } from './world';
import {
  LAUNCH_TEMPLATE,
  names,
  PLAYBOOK_BUCKET,
  PLAYBOOK_PREFIX,
  SERVICES,
  type Environment,
} from './world-spec';

/** A check that `actual` equals `expected`, described in words. */
export function expectEqual(what: string, actual: string | undefined, expected: string | undefined): Check {
  return actual !== undefined && actual !== '' && actual === expected
    ? { ok: true, text: `${what}: ${actual}` }
    : { ok: false, text: `${what}: ${actual ?? 'nothing'}, expected ${expected ?? 'nothing'}` };
}

/** Each service's revision and PRIMARY deployment in an environment's cluster. */
export async function serviceStates(
  world: World,
  env: Environment,
  services: readonly string[] = SERVICES,
): Promise<Map<string, { taskDefinition?: string; primary?: Deployment; deployments: number }>> {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: names.cluster(env), services: [...services] }),
  );
  return new Map(
    (described.services ?? []).map((service) => [
      service.serviceName!,
      {
        taskDefinition: service.taskDefinition,
        primary: service.deployments?.find((deployment) => deployment.status === 'PRIMARY'),
        deployments: service.deployments?.length ?? 0,
      },
    ]),
  );
}

/**
 * Checks that every named service in `env` runs `revision` with one COMPLETED deployment.
 * Note: each DescribeServices call advances the emulator's rollouts; the actions have
 * finished waiting by the time these run, so nothing is left to advance.
 */
export async function servicesRun(
  world: World,
  env: Environment,
  revision: string | undefined,
  services: readonly string[] = SERVICES,
): Promise<Check[]> {
  const states = await serviceStates(world, env, services);
  return services.map((service) => {
    const state = states.get(service);
    const settled = state?.primary?.rolloutState === 'COMPLETED' && state.deployments === 1;
    const actual = `${shortArn(state?.taskDefinition)}${settled ? '' : ` (${state?.primary?.rolloutState ?? 'no'} rollout)`}`;
    return expectEqual(`${names.cluster(env)}/${service} runs`, actual, shortArn(revision));
  });
}

/**
 * Polls DescribeServices until the service's PRIMARY deployment completed with no other left
 * (the emulator advances a rollout on each poll, as time does in ECS); returns the polls made.
 */
export async function settle(
  world: World,
  env: Environment,
  service: string,
  maxPolls = 40,
): Promise<number> {
  for (let polls = 0; polls < maxPolls; polls++) {
    const state = (await serviceStates(world, env, [service])).get(service);
    if (state?.primary?.rolloutState === 'COMPLETED' && state.deployments === 1) return polls;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return maxPolls;
}

/** The revision the environment's nightly-report rule runs. */
export async function cronRuleRevision(world: World, env: Environment): Promise<string | undefined> {
  const targets = await world.clients.events.send(
    new ListTargetsByRuleCommand({ Rule: names.cronRule(env) }),
  );
  return targets.Targets?.[0]?.EcsParameters?.TaskDefinitionArn;
}

/** Checks that the environment's cron rule runs `revision`. */
export async function cronRuleRuns(
  world: World,
  env: Environment,
  revision: string | undefined,
): Promise<Check> {
  return expectEqual(
    `EventBridge rule ${names.cronRule(env)} runs`,
    shortArn(await cronRuleRevision(world, env)),
    shortArn(revision),
  );
}

/** Checks an alarm's state value. */
export async function alarmIs(world: World, alarm: string, state: string): Promise<Check> {
  const described = await world.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm] }));
  const found = described.MetricAlarms?.[0];
  return expectEqual(`alarm ${alarm}`, found?.StateValue, state);
}

/** The tags of a task-definition revision, as a record. */
export async function revisionTags(world: World, revision: string): Promise<Record<string, string>> {
  const tags = await world.clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: revision }));
  return Object.fromEntries((tags.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? '']));
}

/** The playbook pointer (current.json) as the nodes read it. */
export async function readPointer(
  world: World,
): Promise<{ release?: string; manifest?: string } | undefined> {
  try {
    const object = await world.clients.s3.send(
      new GetObjectCommand({ Bucket: PLAYBOOK_BUCKET, Key: `${PLAYBOOK_PREFIX}/current.json` }),
    );
    return JSON.parse((await object.Body?.transformToString()) ?? '{}') as {
      release?: string;
      manifest?: string;
    };
  } catch {
    return undefined;
  }
}

/** A manifest's file count, read from S3. */
export async function manifestFileCount(world: World, key: string): Promise<number | undefined> {
  const object = await world.clients.s3.send(new GetObjectCommand({ Bucket: PLAYBOOK_BUCKET, Key: key }));
  const manifest = JSON.parse((await object.Body?.transformToString()) ?? '{}') as { files?: unknown[] };
  return manifest.files?.length;
}

/** The baked image's state and tags. */
export async function imageTags(
  world: World,
  imageId: string,
): Promise<{ state?: string; tags: Record<string, string> }> {
  const image = (await world.clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })))
    .Images?.[0];
  return {
    state: image?.State,
    tags: Object.fromEntries((image?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  };
}

/** The image of the launch template's default version. */
export async function launchTemplateDefaultImage(
  world: World,
): Promise<{ version?: number; imageId?: string }> {
  const versions = await world.clients.ec2.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateName: LAUNCH_TEMPLATE,
      Versions: ['$Default'],
    }),
  );
  const version = versions.LaunchTemplateVersions?.[0];
  return { version: version?.VersionNumber, imageId: version?.LaunchTemplateData?.ImageId };
}
