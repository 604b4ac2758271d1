/**
 * The two actions/deploy steps: release 1.1.0 to dev (migrations first, the cron rule
 * retargeted, images pinned by digest), and release 1.2.0, which crashes on start, so the
 * circuit breaker rolls it back and the step is red.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import type { ActionRun } from '../../test/support/action-runner';
import { cronRuleRuns, expectEqual, servicesRun, settle } from './aws-checks';
import { templateVars } from './seed-app';
import type { Check, DemoStep, StepContext } from './step';
import { shortArn, shortImage, type World } from './world';
import { CONTAINER, names, SERVICES, VERSIONS, type Environment } from './world-spec';

/** Short waits: the emulator advances a rollout on every DescribeServices poll. */
const WAITING = { timeout: '90s', 'poll-interval': '1s' };

function deployInputs(
  env: Environment,
  version: string,
  services: readonly string[],
): Record<string, string> {
  return {
    'task-definition': 'demo/task-definition.json',
    vars: Object.entries(templateVars(version))
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
    'pin-digests': 'true',
    cluster: names.cluster(env),
    services: services.join('\n'),
    alarms: names.alarms(env).join('\n'),
    'scheduled-tasks': 'auto',
    ...WAITING,
  };
}

/** The deploy step of a release to dev. */
export function deployStep(): DemoStep {
  return {
    id: 'deploy-dev',
    title: `deploy shop ${VERSIONS.release} to dev`,
    action: 'deploy',
    expect: { success: true, result: 'deployed' },
    inputs: () => ({
      ...deployInputs('dev', VERSIONS.release, SERVICES),
      'pre-deploy-task': JSON.stringify({
        containerOverrides: [{ name: CONTAINER, command: ['bin/migrate', '--to', VERSIONS.release] }],
      }),
    }),
    async verify({ world }, run) {
      const revision = run?.outputs['task-definition-arn'];
      return [
        ...(await servicesRun(world, 'dev', revision)),
        await cronRuleRuns(world, 'dev', revision),
        await cronRuleRuns(world, 'prod', world.app.initialRevision),
        ...(revision ? await revisionChecks(world, revision, VERSIONS.release) : []),
      ];
    },
    keyOutputs: (run) => deployKeyOutputs(run),
  };
}

/** A release that crashes on start: ECS's circuit breaker fails it and rolls web back. */
export function rolloutFailureStep(): DemoStep {
  return {
    id: 'deploy-dev-fails',
    title: `deploy shop ${VERSIONS.broken} to dev (crashes)`,
    action: 'deploy',
    expect: { success: false, result: 'rolled-back' },
    needs: ['deploy-dev'],
    prepare: (context) => failNextRollout(context, 'web'),
    inputs: () => deployInputs('dev', VERSIONS.broken, ['web']),
    async verify(context, run) {
      const previous = releasedRevision(context);
      // The action ends once ECS has decided to roll back; ECS's rollback deployment then runs on.
      const polls = await settle(context.world, 'dev', 'web');
      if (polls > 0)
        context.note(
          `ECS's rollback deployment of ${names.cluster('dev')}/web was still in progress when the action ended; ` +
            `the demo polled DescribeServices ${polls} more time(s) until it completed`,
        );
      const checks: Check[] = [
        ...(await servicesRun(context.world, 'dev', previous, ['web'])),
        await cronRuleRuns(context.world, 'dev', previous),
      ];
      const failedRevision = run?.outputs['task-definition-arn'];
      checks.push({
        ok: Boolean(failedRevision) && failedRevision !== previous,
        text: `the failed revision ${shortArn(failedRevision)} was registered and is no longer running`,
      });
      return checks;
    },
    keyOutputs: (run) => deployKeyOutputs(run),
  };
}

/** The revision the first deploy step released. */
function releasedRevision(context: StepContext): string | undefined {
  return context.results.get('deploy-dev')?.run?.outputs['task-definition-arn'];
}

async function revisionChecks(world: World, revision: string, version: string): Promise<Check[]> {
  const definition = (
    await world.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: revision }))
  ).taskDefinition;
  const container = definition?.containerDefinitions?.find((candidate) => candidate.name === CONTAINER);
  const version_ = container?.environment?.find((variable) => variable.name === 'APP_VERSION')?.value;
  const mount = container?.mountPoints?.find((point) => point.containerPath === '/etc/container_config');
  return [
    expectEqual(
      `${shortArn(revision)} image`,
      shortImage(container?.image),
      shortImage(world.app.images[version]),
    ),
    expectEqual(`${shortArn(revision)} APP_VERSION`, version_, version),
    { ok: mount?.readOnly === true, text: `${shortArn(revision)} mounts /etc/container_config read-only` },
  ];
}

function deployKeyOutputs(run: ActionRun | undefined): string[] {
  if (!run) return [];
  const previous = parseJson(run.outputs['previous-task-definition-arns']);
  const before = [...new Set(Object.values(previous).map((arn) => shortArn(String(arn))))].join(', ');
  return [
    `revision ${shortArn(run.outputs['task-definition-arn'])}${run.outputs.registered === 'true' ? ' (registered)' : ''}`,
    ...(before ? [`previous ${before}`] : []),
  ];
}

/** Parses a JSON object output; empty or malformed gives {}. */
export function parseJson(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Tags a dev service so the emulator's next deployment of it fails through the circuit breaker. */
async function failNextRollout(context: StepContext, service: string): Promise<void> {
  const cluster = names.cluster('dev');
  const described = await context.world.clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [service] }),
  );
  await context.world.clients.ecs.send(
    new TagResourceCommand({
      resourceArn: described.services![0].serviceArn,
      tags: [{ key: 'emulator:rollout', value: 'circuit-breaker' }],
    }),
  );
  context.note(
    `emulator control: tagged ${cluster}/${service} emulator:rollout=circuit-breaker, so the tasks of its next ` +
      'deployment exit at start (exit code 1) until the ECS circuit breaker trips and rolls back.',
  );
}
