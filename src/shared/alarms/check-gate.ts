/**
 * The gate's thin shell: fetch the alarms, read history only for the alarms whose timestamps
 * cannot decide the soak, then evaluate (pure, gate.ts).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Logger } from '../runtime/logger';
import { fetchAlarms, type AlarmSelector } from './fetch';
import { evaluateGate, healthyStates, needsHistory, type AlarmVerdict, type GatePolicy } from './gate';
import { readHealthySince } from './history';

export interface GateResult {
  verdicts: AlarmVerdict[];
  /** Alarm names (or unmatched selectors) that block, in table order. */
  blockedBy: string[];
  /** When the gate was evaluated (ms). */
  evaluatedAt: number;
  /** How many alarms needed DescribeAlarmHistory. */
  historyReads: number;
}

/** History reads in flight at once; CloudWatch's DescribeAlarmHistory quota is low (~3 TPS is common). */
const HISTORY_CONCURRENCY = 3;

/** Evaluates the gate alarms against the policy at `now()`. */
export async function checkGate(
  cloudwatch: CloudWatchClient,
  selectors: readonly AlarmSelector[],
  policy: GatePolicy,
  options: { now: () => number; logger: Logger },
): Promise<GateResult> {
  const { alarms, unmatched } = await fetchAlarms(cloudwatch, selectors);
  const now = options.now();
  const pending = alarms.filter((alarm) => needsHistory(alarm, policy, now));
  if (pending.length > 0)
    options.logger.info(`Reading state history of ${pending.length} alarm(s) to measure their soak`);
  const healthy = healthyStates(policy.insufficientData);
  for (let i = 0; i < pending.length; i += HISTORY_CONCURRENCY) {
    await Promise.all(
      pending.slice(i, i + HISTORY_CONCURRENCY).map(async (alarm) => {
        const since = await readHealthySince(cloudwatch, alarm.name, healthy);
        // History can only extend what the timestamps prove; never shorten it below them.
        const bound = alarm.transitionedAt ?? alarm.updatedAt;
        alarm.healthySince =
          since === undefined ? bound : bound === undefined ? since : Math.min(since, bound);
      }),
    );
  }
  const { verdicts, blockedBy } = evaluateGate(alarms, unmatched, policy, now);
  return { verdicts, blockedBy, evaluatedAt: now, historyReads: pending.length };
}
