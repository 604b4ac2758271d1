/**
 * A deployment by someone else during promote's bake is never undone: when a target alarm then
 * fires, promote fails without rolling back over the other deployment.
 */
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { emulatorEnv, runAction } from '../support/action-runner';
import { digest, promoteFixtures } from '../support/fixtures/promote';

const env = emulatorEnv();
Object.assign(process.env, env);
const { ecs, cloudwatch, fixture, inputs, primary, register } = promoteFixtures(env);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('does not roll back a service that another deployment took over during the bake', async () => {
  const f = await fixture('bake-race');
  const theirs = await register(`shop-${f.id}`, digest(3));
  await sleep(1100); // the source deployment must be older than the 1 s soak
  const running = runAction('promote', { inputs: inputs(f, { bake: '20s' }), env });
  const deployed = async () => {
    const now = await primary(f.target);
    return now.taskDefinition === f.newArn && now.rolloutState === 'COMPLETED';
  };
  for (let i = 0; i < 150 && !(await deployed()); i++) await sleep(200);
  await sleep(2500); // promote has seen its rollout complete: the bake is under way
  await ecs.send(new UpdateServiceCommand({ cluster: f.target, service: 'web', taskDefinition: theirs }));
  await cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: f.targetAlarm, StateValue: 'ALARM', StateReason: 'errors' }),
  );
  const run = await running;
  expect(run.exitCode).toBe(1);
  expect(run.outputs.result).toBe('failed');
  expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(
    'another deployment has since replaced ours on web, so nothing was rolled back',
  );
  expect((await primary(f.target)).taskDefinition).toBe(theirs);
});
