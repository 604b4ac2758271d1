/**
 * The emulator's test-only control endpoint (test/support/README.md): CloudWatch evaluates
 * no metrics in the emulator, so the demo sets alarm states itself, with a timestamp that may
 * lie in the past, and says so in its output.
 */
import { ACCOUNT, REGION } from './world-spec';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** `POST /emulator-api/alarm-state`: the alarm is in `state` as of `since`. */
export async function setAlarmState(
  endpoint: string,
  alarmName: string,
  state: AlarmStateValue,
  since: Date,
  reason: string,
): Promise<void> {
  const response = await fetch(`${endpoint}/emulator-api/alarm-state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      region: REGION,
      account: ACCOUNT,
      alarmName,
      state,
      reason,
      timestamp: since.toISOString(),
    }),
  });
  if (!response.ok)
    throw new Error(
      `Could not set alarm ${alarmName} to ${state}: HTTP ${response.status} ${await response.text()}`,
    );
}
