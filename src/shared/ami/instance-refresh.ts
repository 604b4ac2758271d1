/**
 * Rolling a new launch template version out to Auto Scaling groups with an instance refresh.
 * The desired configuration names an explicit version (not $Default/$Latest): AWS only rolls a
 * failed refresh back automatically (AutoRollback) when it knows the exact version it replaced.
 */
import {
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
  type DesiredConfiguration,
  type InstanceRefresh,
} from '@aws-sdk/client-auto-scaling';
import { poll, type Clock } from '../aws/poll';
import { ActionError, DeploymentFailedError, describeAwsError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import type { LaunchTemplateChange, LaunchTemplateState } from './launch-templates';

/** The refresh bake-ami starts (or would start) for one group. */
export interface RefreshPlan {
  group: string;
  launchTemplateId: string;
  launchTemplateName: string;
  /** The version the group runs now, as it names it ($Default, $Latest or a number). */
  currentVersion: string;
  /** The explicit version the refresh rolls out. */
  targetVersion: number;
  /** False when the group already runs the target version and the template did not change. */
  needed: boolean;
  desiredConfiguration: DesiredConfiguration;
}

export interface RefreshPreferences {
  minHealthyPercentage: number;
}

/** The launch template a group launches from, directly or through a mixed instances policy. Pure. */
export function groupLaunchTemplate(
  group: AutoScalingGroup,
): { id?: string; name?: string; version: string; mixed: boolean } | undefined {
  const direct = group.LaunchTemplate;
  if (direct)
    return {
      id: direct.LaunchTemplateId,
      name: direct.LaunchTemplateName,
      version: direct.Version ?? '$Default',
      mixed: false,
    };
  const spec = group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (spec)
    return {
      id: spec.LaunchTemplateId,
      name: spec.LaunchTemplateName,
      version: spec.Version ?? '$Default',
      mixed: true,
    };
  return undefined;
}

/** Reads the named groups; throws naming any that do not exist. */
export async function describeGroups(
  autoscaling: AutoScalingClient,
  names: string[],
): Promise<AutoScalingGroup[]> {
  if (names.length === 0) return [];
  const groups: AutoScalingGroup[] = [];
  let token: string | undefined;
  do {
    const page = await withContext(`describe Auto Scaling groups ${names.join(', ')}`, () =>
      autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names, NextToken: token }),
      ),
    );
    groups.push(...(page.AutoScalingGroups ?? []));
    token = page.NextToken;
  } while (token);
  const missing = names.filter((name) => !groups.some((group) => group.AutoScalingGroupName === name));
  if (missing.length > 0)
    throw new ActionError(
      `Auto Scaling group${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`,
      {
        title: 'Auto Scaling group not found',
      },
    );
  return names.map((name) => groups.find((group) => group.AutoScalingGroupName === name)!);
}

/**
 * Which of `templates` the group launches from; throws when it uses a launch configuration or
 * a template bake-ami does not update (checked before Packer runs). Pure.
 */
export function groupTemplateIndex(
  group: AutoScalingGroup,
  templates: LaunchTemplateState[],
): { uses: NonNullable<ReturnType<typeof groupLaunchTemplate>>; index: number } {
  const name = group.AutoScalingGroupName!;
  const uses = groupLaunchTemplate(group);
  if (!uses)
    throw new ActionError(
      `Auto Scaling group ${name} uses a launch configuration, not a launch template; instance refresh to a new image needs a launch template`,
      { title: 'Cannot refresh Auto Scaling group' },
    );
  const index = templates.findIndex(
    (state) => state.id === uses.id || (!uses.id && state.name === uses.name),
  );
  if (index < 0)
    throw new ActionError(
      `Auto Scaling group ${name} launches from launch template ${uses.name ?? uses.id}, which is not in launch-templates`,
      { title: 'Cannot refresh Auto Scaling group' },
    );
  return { uses, index };
}

/**
 * Plans the refresh of one group: its launch template must be one bake-ami updates. A refresh
 * is needed when the template got a new version, or the group runs another version. Pure.
 */
export function planRefresh(
  group: AutoScalingGroup,
  templates: LaunchTemplateState[],
  changes: LaunchTemplateChange[],
): RefreshPlan {
  const { uses, index } = groupTemplateIndex(group, templates);
  const state = templates[index];
  const change = changes[index];
  const resolved =
    uses.version === '$Default'
      ? state.defaultVersion
      : uses.version === '$Latest'
        ? state.latestVersion
        : Number(uses.version);
  const specification = { LaunchTemplateId: state.id, Version: String(change.version) };
  const desiredConfiguration: DesiredConfiguration = uses.mixed
    ? {
        MixedInstancesPolicy: {
          ...group.MixedInstancesPolicy,
          LaunchTemplate: {
            ...group.MixedInstancesPolicy!.LaunchTemplate,
            LaunchTemplateSpecification: specification,
          },
        },
      }
    : { LaunchTemplate: specification };
  return {
    group: group.AutoScalingGroupName!,
    launchTemplateId: state.id,
    launchTemplateName: state.name,
    currentVersion: uses.version,
    targetVersion: change.version,
    needed: change.created || resolved !== change.version,
    desiredConfiguration,
  };
}

/** Starts the refresh; when one is already running, says which and what it is doing. */
export async function startRefresh(
  autoscaling: AutoScalingClient,
  plan: RefreshPlan,
  preferences: RefreshPreferences,
): Promise<string> {
  try {
    const started = await autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: plan.group,
        Strategy: 'Rolling',
        DesiredConfiguration: plan.desiredConfiguration,
        Preferences: {
          MinHealthyPercentage: preferences.minHealthyPercentage,
          SkipMatching: true,
          AutoRollback: true,
        },
      }),
    );
    return started.InstanceRefreshId!;
  } catch (error) {
    if (describeAwsError(error).code !== 'InstanceRefreshInProgress')
      return withContext(`start an instance refresh of ${plan.group}`, () => Promise.reject(error));
    const active = await activeRefresh(autoscaling, plan.group);
    throw new ActionError(
      `Auto Scaling group ${plan.group} already has an instance refresh in progress${
        active
          ? ` (${active.InstanceRefreshId}, ${active.Status}${active.PercentageComplete !== undefined ? ` ${active.PercentageComplete}%` : ''})`
          : ''
      }. Wait for it to finish or cancel it (aws autoscaling cancel-instance-refresh), then run again: the launch template already has the new default version.`,
      { title: 'Instance refresh already in progress', cause: error },
    );
  }
}

async function activeRefresh(
  autoscaling: AutoScalingClient,
  group: string,
): Promise<InstanceRefresh | undefined> {
  try {
    const found = await autoscaling.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, MaxRecords: 10 }),
    );
    return found.InstanceRefreshes?.find((refresh) =>
      ['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'].includes(refresh.Status ?? ''),
    );
  } catch {
    return undefined;
  }
}

const SUCCEEDED = ['Successful'];
const FAILED = ['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed'];

/** Whether a refresh status is final, and whether it succeeded. Pure. */
export function refreshOutcome(status: string | undefined): 'succeeded' | 'failed' | 'running' {
  if (SUCCEEDED.includes(status ?? '')) return 'succeeded';
  if (FAILED.includes(status ?? '')) return 'failed';
  return 'running';
}

export interface WaitOptions {
  timeout: number;
  interval: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Polls the refreshes until each has finished. Resolves with their final state when all
 * succeeded; throws a `DeploymentFailedError` naming every one that failed, was cancelled or
 * rolled back, with AWS's status reason.
 */
export async function waitForRefreshes(
  autoscaling: AutoScalingClient,
  refreshes: { group: string; id: string }[],
  options: WaitOptions,
): Promise<InstanceRefresh[]> {
  const finished = await poll<InstanceRefresh[]>({
    what: `instance refresh of ${refreshes.map((refresh) => refresh.group).join(', ')}`,
    interval: options.interval,
    timeout: options.timeout,
    clock: options.clock,
    logger: options.logger,
    check: async () => {
      const states = await Promise.all(refreshes.map((refresh) => describeRefresh(autoscaling, refresh)));
      const progress = states
        .map(
          (state) =>
            `${state.AutoScalingGroupName}: ${state.Status}${state.PercentageComplete !== undefined ? ` ${state.PercentageComplete}%` : ''}${state.StatusReason ? ` (${state.StatusReason})` : ''}`,
        )
        .join('; ');
      return states.every((state) => refreshOutcome(state.Status) !== 'running')
        ? { done: true, value: states }
        : { done: false, progress };
    },
  });
  const failed = finished.filter((state) => refreshOutcome(state.Status) === 'failed');
  if (failed.length > 0)
    throw new DeploymentFailedError(
      `Instance refresh did not succeed: ${failed
        .map(
          (state) =>
            `${state.AutoScalingGroupName} ${state.Status}${state.StatusReason ? ` (${state.StatusReason})` : ''}`,
        )
        .join('; ')}`,
    );
  return finished;
}

async function describeRefresh(
  autoscaling: AutoScalingClient,
  refresh: { group: string; id: string },
): Promise<InstanceRefresh> {
  const found = await withContext(`describe instance refresh ${refresh.id} of ${refresh.group}`, () =>
    autoscaling.send(
      new DescribeInstanceRefreshesCommand({
        AutoScalingGroupName: refresh.group,
        InstanceRefreshIds: [refresh.id],
      }),
    ),
  );
  const state = found.InstanceRefreshes?.find((item) => item.InstanceRefreshId === refresh.id);
  if (!state)
    throw new ActionError(`Instance refresh ${refresh.id} of ${refresh.group} was not found`, {
      title: 'Instance refresh not found',
    });
  return state;
}
