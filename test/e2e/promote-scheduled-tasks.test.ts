/**
 * actions/promote retargets the target cluster's scheduled tasks (EventBridge rules with an ECS
 * target running the family) to the promoted revision, only once the bake passed; a failed bake
 * leaves them alone, and a named rule without such a target fails before anything is written.
 */
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction } from '../support/action-runner';
import { promoteFixtures, type PromoteFixture } from '../support/fixtures/promote';

const env = emulatorEnv();
Object.assign(process.env, env);
const { fixture, inputs, primary, cloudwatch } = promoteFixtures(env);
const events = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(
  EventBridgeClient,
  'EVENTBRIDGE',
);
const ACCOUNT = '123456789012';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A nightly cron rule running `taskDefinitionArn` in `cluster`. */
async function cronRule(name: string, cluster: string, taskDefinitionArn: string): Promise<void> {
  await events.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'cron(0 3 * * ? *)' }));
  await events.send(
    new PutTargetsCommand({
      Rule: name,
      Targets: [
        {
          Id: 'report',
          Arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${cluster}`,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsEventsRole`,
          EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: 1, LaunchType: 'EC2' },
          Input: '{"containerOverrides":[{"name":"web","command":["report"]}]}',
        },
      ],
    }),
  );
}

async function ruleRevision(name: string): Promise<string | undefined> {
  const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: name }));
  return Targets?.[0]?.EcsParameters?.TaskDefinitionArn;
}

async function soaked(id: string): Promise<PromoteFixture> {
  const f = await fixture(id);
  await sleep(1100); // the source deployment must be older than the 1 s soak
  return f;
}

describe('promote: scheduled tasks', () => {
  it('retargets the target cluster’s rule after the bake, keeping its other fields, and leaves the source’s alone', async () => {
    const f = await soaked('cron-ok');
    await cronRule(`${f.target}-nightly`, f.target, f.oldArn);
    await cronRule(`${f.source}-nightly`, f.source, f.oldArn);
    const run = await runAction('promote', { inputs: inputs(f), env });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('promoted');
    expect(await ruleRevision(`${f.target}-nightly`)).toBe(f.newArn);
    expect(await ruleRevision(`${f.source}-nightly`)).toBe(f.oldArn);
    const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: `${f.target}-nightly` }));
    expect(Targets?.[0]).toMatchObject({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsEventsRole`,
      Input: '{"containerOverrides":[{"name":"web","command":["report"]}]}',
      EcsParameters: { TaskCount: 1, LaunchType: 'EC2' },
    });
    expect(run.summary).toContain(`Scheduled tasks retargeted: \`${f.target}-nightly\``);
  });

  it('leaves the rule on its revision when the bake rolls the promotion back', async () => {
    const f = await soaked('cron-bake');
    await cronRule(`${f.target}-nightly`, f.target, f.oldArn);
    const running = runAction('promote', { inputs: inputs(f, { bake: '20s' }), env });
    // Fire the target alarm once the rollout completed, i.e. during the bake.
    for (let i = 0; i < 100 && (await primary(f.target)).taskDefinition !== f.newArn; i++) await sleep(200);
    await sleep(3000);
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: f.targetAlarm, StateValue: 'ALARM', StateReason: 'errors' }),
    );
    const run = await running;
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('rolled-back');
    expect(await ruleRevision(`${f.target}-nightly`)).toBe(f.oldArn);
    expect(run.summary).toContain(`Scheduled tasks left on their revision: \`${f.target}-nightly\``);
  });

  it('fails before any write when a named rule has no matching target, naming the input', async () => {
    const f = await soaked('cron-named');
    await cronRule('unrelated', 'elsewhere', f.oldArn);
    const run = await runAction('promote', { inputs: inputs(f, { 'scheduled-tasks': 'unrelated' }), env });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]).toMatchObject({ level: 'error', title: 'Invalid input: scheduled-tasks' });
    expect((await primary(f.target)).taskDefinition).toBe(f.oldArn);
    expect(await ruleRevision('unrelated')).toBe(f.oldArn);
  });

  it('with scheduled-tasks: none touches no rule', async () => {
    const f = await soaked('cron-none');
    await cronRule(`${f.target}-nightly`, f.target, f.oldArn);
    const run = await runAction('promote', { inputs: inputs(f, { 'scheduled-tasks': 'none' }), env });
    expect(run.exitCode).toBe(0);
    expect(await ruleRevision(`${f.target}-nightly`)).toBe(f.oldArn);
  });
});
