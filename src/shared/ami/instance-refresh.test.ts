/**
 * Instance refresh scenarios with a mocked Auto Scaling client, written from the Auto Scaling
 * API reference: StartInstanceRefresh (DesiredConfiguration, Preferences; the
 * InstanceRefreshInProgress error) and DescribeInstanceRefreshes (Status: Pending, InProgress,
 * Successful, Failed, Cancelling, Cancelled, RollbackInProgress, RollbackFailed,
 * RollbackSuccessful, Baking; StatusReason; PercentageComplete).
 */
import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  type AutoScalingGroup,
  type InstanceRefresh,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryLogger } from '../runtime/logger';
import { ActionError, DeploymentFailedError, WaitTimeoutError } from '../runtime/errors';
import {
  describeGroups,
  groupTemplateIndex,
  planRefresh,
  refreshOutcome,
  startRefresh,
  waitForRefreshes,
} from './instance-refresh';
import type { LaunchTemplateChange, LaunchTemplateState } from './launch-templates';

const asg = mockClient(AutoScalingClient);
const client = new AutoScalingClient({ region: 'us-east-1' });
beforeEach(() => asg.reset());

const clock = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
};

const template: LaunchTemplateState = {
  ref: 'web',
  id: 'lt-0abc',
  name: 'web',
  defaultVersion: 3,
  latestVersion: 4,
  defaultImageId: 'ami-old',
};
const change: LaunchTemplateChange = {
  id: 'lt-0abc',
  name: 'web',
  fromVersion: 3,
  version: 5,
  imageId: 'ami-new',
  created: true,
};
const group = (extra: Partial<AutoScalingGroup> = {}): AutoScalingGroup =>
  ({
    AutoScalingGroupName: 'web-asg',
    LaunchTemplate: { LaunchTemplateId: 'lt-0abc', LaunchTemplateName: 'web', Version: '$Default' },
    ...extra,
  }) as AutoScalingGroup;
const refresh = (Status: string, extra: Partial<InstanceRefresh> = {}): InstanceRefresh => ({
  InstanceRefreshId: 'ir-1',
  AutoScalingGroupName: 'web-asg',
  Status: Status as InstanceRefresh['Status'],
  ...extra,
});

describe('planRefresh', () => {
  it('targets the explicit new version with the group launch template', () => {
    expect(planRefresh(group(), [template], [change])).toEqual({
      group: 'web-asg',
      launchTemplateId: 'lt-0abc',
      launchTemplateName: 'web',
      currentVersion: '$Default',
      targetVersion: 5,
      needed: true,
      desiredConfiguration: { LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '5' } },
    });
  });

  it.each<[string, AutoScalingGroup, LaunchTemplateChange, boolean]>([
    ['a new version was created', group(), change, true],
    [
      'the group runs $Default and the default did not change',
      group(),
      { ...change, created: false, version: 3 },
      false,
    ],
    [
      'the group pins an older version',
      group({ LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '2' } }),
      { ...change, created: false, version: 3 },
      true,
    ],
    [
      'the group pins the current version',
      group({ LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '3' } }),
      { ...change, created: false, version: 3 },
      false,
    ],
    [
      'the group runs $Latest, which is not the default',
      group({ LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '$Latest' } }),
      { ...change, created: false, version: 3 },
      true,
    ],
  ])('refresh needed when %s: %s', (_case, asgGroup, templateChange, needed) => {
    expect(planRefresh(asgGroup, [template], [templateChange]).needed).toBe(needed);
  });

  it('keeps a mixed instances policy and swaps only its launch template', () => {
    const mixed = group({
      LaunchTemplate: undefined,
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: 'lt-0abc', Version: '$Latest' },
          Overrides: [{ InstanceType: 'm6i.large' }, { InstanceType: 'm7i.large' }],
        },
        InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 20 },
      },
    });
    expect(planRefresh(mixed, [template], [change]).desiredConfiguration).toEqual({
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: 'lt-0abc', Version: '5' },
          Overrides: [{ InstanceType: 'm6i.large' }, { InstanceType: 'm7i.large' }],
        },
        InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 20 },
      },
    });
  });

  it.each<[string, AutoScalingGroup, string]>([
    [
      'a launch configuration',
      group({ LaunchTemplate: undefined, LaunchConfigurationName: 'old-lc' }),
      'uses a launch configuration',
    ],
    [
      'an unlisted template',
      group({ LaunchTemplate: { LaunchTemplateId: 'lt-other', LaunchTemplateName: 'api' } }),
      'launches from launch template api, which is not in launch-templates',
    ],
  ])('refuses a group with %s', (_case, asgGroup, problem) => {
    expect(() => groupTemplateIndex(asgGroup, [template])).toThrow(problem);
  });
});

describe('startRefresh', () => {
  const plan = planRefresh(group(), [template], [change]);

  it('asks for skip matching, auto rollback and the minimum healthy percentage', async () => {
    asg.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'ir-1' });
    await expect(startRefresh(client, plan, { minHealthyPercentage: 90 })).resolves.toBe('ir-1');
    expect(asg.commandCalls(StartInstanceRefreshCommand)[0].args[0].input).toEqual({
      AutoScalingGroupName: 'web-asg',
      Strategy: 'Rolling',
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '5' } },
      Preferences: { MinHealthyPercentage: 90, SkipMatching: true, AutoRollback: true },
    });
  });

  it('names the refresh already in progress (InstanceRefreshInProgress)', async () => {
    asg.on(StartInstanceRefreshCommand).rejects(
      new AutoScalingServiceException({
        name: 'InstanceRefreshInProgress',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message:
          'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
      }),
    );
    asg.on(DescribeInstanceRefreshesCommand).resolves({
      InstanceRefreshes: [refresh('InProgress', { InstanceRefreshId: 'ir-0', PercentageComplete: 40 })],
    });
    const error = await startRefresh(client, plan, { minHealthyPercentage: 90 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toContain(
      'web-asg already has an instance refresh in progress (ir-0, InProgress 40%)',
    );
  });

  it('reports other start errors with context', async () => {
    asg.on(StartInstanceRefreshCommand).rejects(
      new AutoScalingServiceException({
        name: 'LimitExceededFault',
        $fault: 'client',
        $metadata: {},
        message: 'too many',
      }),
    );
    await expect(startRefresh(client, plan, { minHealthyPercentage: 90 })).rejects.toThrow(
      'Could not start an instance refresh of web-asg: LimitExceededFault: too many',
    );
  });
});

describe('waitForRefreshes', () => {
  function sequence(...states: InstanceRefresh[]) {
    const chain = asg.on(DescribeInstanceRefreshesCommand);
    states.reduce((mock, state) => mock.resolvesOnce({ InstanceRefreshes: [state] }), chain);
  }
  const wait = (logger = new MemoryLogger()) =>
    waitForRefreshes(client, [{ group: 'web-asg', id: 'ir-1' }], {
      timeout: 600_000,
      interval: 30_000,
      clock: clock(),
      logger,
    });

  it('follows Pending → InProgress → Successful and logs each change once', async () => {
    sequence(
      refresh('Pending', { StatusReason: 'Waiting for instance refresh to start' }),
      refresh('InProgress', { PercentageComplete: 0 }),
      refresh('InProgress', { PercentageComplete: 0 }),
      refresh('InProgress', { PercentageComplete: 50 }),
      refresh('Baking', { PercentageComplete: 100 }),
      refresh('Successful', { PercentageComplete: 100 }),
    );
    const logger = new MemoryLogger();
    const states = await wait(logger);
    expect(states.map((state) => state.Status)).toEqual(['Successful']);
    expect(logger.lines).toEqual([
      'web-asg: Pending (Waiting for instance refresh to start)',
      'web-asg: InProgress 0%',
      'web-asg: InProgress 50%',
      'web-asg: Baking 100%',
    ]);
    expect(asg.commandCalls(DescribeInstanceRefreshesCommand)[0].args[0].input).toEqual({
      AutoScalingGroupName: 'web-asg',
      InstanceRefreshIds: ['ir-1'],
    });
  });

  it.each([
    [
      'Failed',
      'Failed (Instances failed to launch)',
      refresh('Failed', { StatusReason: 'Instances failed to launch' }),
    ],
    ['Cancelled', 'Cancelled', refresh('Cancelled')],
    [
      'RollbackSuccessful',
      'RollbackSuccessful (rolled back: health checks)',
      refresh('RollbackSuccessful', { StatusReason: 'rolled back: health checks' }),
    ],
    ['RollbackFailed', 'RollbackFailed', refresh('RollbackFailed')],
  ])('fails when the refresh ends %s', async (_status, described, final) => {
    sequence(refresh('InProgress', { PercentageComplete: 30 }), refresh('Cancelling'), final);
    const error = await wait().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect((error as Error).message).toBe(`Instance refresh did not succeed: web-asg ${described}`);
  });

  it('follows a rollback in progress to its end', async () => {
    sequence(refresh('RollbackInProgress'), refresh('RollbackInProgress'), refresh('RollbackSuccessful'));
    await expect(wait()).rejects.toThrow('web-asg RollbackSuccessful');
  });

  it('times out with the last state', async () => {
    asg
      .on(DescribeInstanceRefreshesCommand)
      .resolves({ InstanceRefreshes: [refresh('InProgress', { PercentageComplete: 10 })] });
    const error = await waitForRefreshes(client, [{ group: 'web-asg', id: 'ir-1' }], {
      timeout: 120_000,
      interval: 30_000,
      clock: clock(),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('last seen: web-asg: InProgress 10%');
  });

  it('fails when the refresh is unknown', async () => {
    asg.on(DescribeInstanceRefreshesCommand).resolves({ InstanceRefreshes: [] });
    await expect(wait()).rejects.toThrow('Instance refresh ir-1 of web-asg was not found');
  });
});

describe('refreshOutcome', () => {
  it.each([
    ['Pending', 'running'],
    ['InProgress', 'running'],
    ['Baking', 'running'],
    ['Cancelling', 'running'],
    ['RollbackInProgress', 'running'],
    ['Successful', 'succeeded'],
    ['Failed', 'failed'],
    ['Cancelled', 'failed'],
    ['RollbackSuccessful', 'failed'],
    ['RollbackFailed', 'failed'],
  ])('%s is %s', (status, outcome) => {
    expect(refreshOutcome(status)).toBe(outcome);
  });
});

describe('describeGroups', () => {
  it('names the groups that do not exist', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    await expect(describeGroups(client, ['web-asg', 'api-asg', 'jobs-asg'])).rejects.toThrow(
      'Auto Scaling groups not found: api-asg, jobs-asg',
    );
  });
});
