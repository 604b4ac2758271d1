import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import { ActionError, withContext } from '../runtime/errors';

/**
 * Refuses to start a deployment while one of its alarms is in ALARM: ECS ignores an alarm that
 * is already alarming when the deployment starts, so it would never roll back on it.
 * Unknown alarm names are errors too (ECS would accept and never watch them).
 */
export async function assertAlarmsQuiet(cloudwatch: CloudWatchClient, alarms: string[]): Promise<void> {
  if (alarms.length === 0) return;
  const found = new Map<string, string>();
  // DescribeAlarms takes at most 100 names per call.
  for (let i = 0; i < alarms.length; i += 100) {
    const names = alarms.slice(i, i + 100);
    const response = await withContext('describe the deployment alarms', () =>
      cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
      ),
    );
    for (const alarm of [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])])
      if (alarm.AlarmName) found.set(alarm.AlarmName, alarm.StateValue ?? 'INSUFFICIENT_DATA');
  }
  const missing = alarms.filter((name) => !found.has(name));
  if (missing.length > 0)
    throw new ActionError(
      `Alarm${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} not found (input 'alarms')`,
      {
        title: 'Unknown alarm',
      },
    );
  const alarming = alarms.filter((name) => found.get(name) === 'ALARM');
  if (alarming.length > 0)
    throw new ActionError(
      `Not deploying: alarm${alarming.length > 1 ? 's' : ''} ${alarming.map((n) => `'${n}'`).join(', ')} ${alarming.length > 1 ? 'are' : 'is'} in ALARM. ECS ignores an alarm that is already alarming when a deployment starts, so it could not roll back on it`,
      { title: 'Deployment alarm in ALARM' },
    );
}

/** The service's deployment configuration with `alarms` as its rollback alarms (the rest kept). */
export function withDeploymentAlarms(
  current: DeploymentConfiguration | undefined,
  alarms: string[],
): DeploymentConfiguration {
  return { ...(current ?? {}), alarms: { alarmNames: alarms, enable: true, rollback: true } };
}
