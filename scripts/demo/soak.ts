/**
 * The promotion gate's two clocks, made honest in an emulator that has no metrics: alarm
 * states are set (backdated) through the emulator's control endpoint, and the source
 * deployment's age is real, so the demo waits it out with a short soak instead of faking it.
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { setAlarmState } from './emulator-control';
import { serviceStates } from './aws-checks';
import type { StepContext } from './step';
import { names, SERVICES, type Environment } from './world-spec';

/** The gate soak the demo passes to actions/promote (the action's default is 15m). */
export const SOAK_MS = 10_000;
export const SOAK = `${SOAK_MS / 1000}s`;

/**
 * Sets every alarm of `env` (except `except`) to OK as of `agoMs` in the past, and says so:
 * CloudWatch would have evaluated them from metrics; the emulator evaluates none.
 */
export async function alarmsOkSince(
  context: StepContext,
  env: Environment,
  agoMs: number,
  except: string[] = [],
): Promise<void> {
  const alarms = names.alarms(env).filter((alarm) => !except.includes(alarm));
  const since = new Date(Date.now() - agoMs);
  for (const alarm of alarms)
    await setAlarmState(
      context.world.endpoint,
      alarm,
      'OK',
      since,
      'Threshold Crossed: no datapoints were breaching',
    );
  context.note(
    `emulator control: ${alarms.join(', ')} set to OK as of ${since.toISOString()} (${Math.round(agoMs / 60_000)} min ago) ` +
      'with POST /emulator-api/alarm-state. The emulator evaluates no metrics; in AWS, CloudWatch sets these states.',
  );
}

/** The alarm states of an environment, for a note. */
export async function alarmStates(context: StepContext, env: Environment): Promise<string> {
  const described = await context.world.clients.cloudWatch.send(
    new DescribeAlarmsCommand({ AlarmNamePrefix: `${env}-` }),
  );
  return (described.MetricAlarms ?? []).map((alarm) => `${alarm.AlarmName} ${alarm.StateValue}`).join(', ');
}

/**
 * Waits until every service's PRIMARY deployment in `env` finished at least SOAK_MS ago: the
 * gate also requires that, and deployment times cannot be backdated.
 */
export async function waitForDeploymentSoak(context: StepContext, env: Environment): Promise<void> {
  const states = await serviceStates(context.world, env);
  const finished = Math.max(
    ...SERVICES.map((service) => states.get(service)?.primary?.updatedAt?.getTime() ?? 0),
  );
  const wait = finished + SOAK_MS + 500 - Date.now();
  if (wait <= 0) return;
  context.note(
    `waiting ${(wait / 1000).toFixed(1)} s so the ${names.cluster(env)} deployments have soaked ${SOAK} ` +
      '(the demo shortens the 15m default; deployment times are real and cannot be backdated)',
  );
  await new Promise((resolve) => setTimeout(resolve, wait));
}
