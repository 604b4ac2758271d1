/**
 * The bake: watch alarms for a while after a deployment and report the first that fires.
 * Polling alone misses an alarm that goes to ALARM and back between two polls, so an alarm
 * whose state changed since the watch began has its history read for an ALARM in between.
 */
import { DescribeAlarmHistoryCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { realClock, type Clock } from '../aws/poll';
import { formatDuration } from '../runtime/duration';
import { withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { fetchAlarms, type AlarmSelector } from './fetch';
import type { AlarmSnapshot } from './gate';
import { parseStateChange } from './history';

export interface BakeOptions {
  /** How long (ms) to watch after the deployment finished. */
  bakeMs: number;
  /** Cap on the delay between polls (ms). */
  pollInterval: number;
  /** Since when (ms) an ALARM counts: the deployment's start, so a rollout-time alarm counts too. */
  watchFrom: number;
  clock?: Clock;
  logger: Logger;
}

/** An alarm that fired, and when. */
export interface FiredAlarm {
  name: string;
  /** When it went to ALARM (ms). */
  at: number;
  /** Its state when we looked (it may have recovered). */
  state: string;
  reason?: string;
}

export interface BakeResult {
  outcome: 'passed' | 'alarm';
  fired: FiredAlarm[];
  /** How long we watched (ms). */
  watchedMs: number;
  polls: number;
  /** The alarms watched. */
  alarms: string[];
  /** Selectors that matched no alarm (watched nothing). */
  unmatched: string[];
}

/** Watches `selectors` for `bakeMs`; returns as soon as one is (or was, since `watchFrom`) in ALARM. */
export async function bake(
  cloudwatch: CloudWatchClient,
  selectors: readonly AlarmSelector[],
  options: BakeOptions,
): Promise<BakeResult> {
  const clock = options.clock ?? realClock;
  const start = clock.now();
  const quiet = new Set<string>();
  const verified = new Map<string, number>();
  for (let polls = 1; ; polls++) {
    const { alarms, unmatched } = await fetchAlarms(cloudwatch, selectors);
    const fired = await firedAlarms(cloudwatch, alarms, options.watchFrom, verified);
    const watchedMs = clock.now() - start;
    const result = { watchedMs, polls, alarms: alarms.map((a) => a.name).sort(), unmatched };
    if (fired.length > 0) return { ...result, outcome: 'alarm', fired };
    logInsufficientData(alarms, quiet, options.logger);
    if (watchedMs >= options.bakeMs) return { ...result, outcome: 'passed', fired: [] };
    if (polls === 1)
      options.logger.info(`Baking: watching ${alarms.length} alarm(s) for ${formatDuration(options.bakeMs)}`);
    await clock.sleep(Math.min(options.pollInterval, options.bakeMs - watchedMs));
  }
}

/**
 * Alarms in ALARM now, and alarms that changed since `since` and were in ALARM in between.
 * `verified` remembers, per alarm, the transition whose history was already read clean.
 */
async function firedAlarms(
  cloudwatch: CloudWatchClient,
  alarms: AlarmSnapshot[],
  since: number,
  verified: Map<string, number>,
): Promise<FiredAlarm[]> {
  const fired: FiredAlarm[] = alarms
    .filter((alarm) => alarm.state === 'ALARM')
    .map((alarm) => ({
      name: alarm.name,
      at: alarm.transitionedAt ?? alarm.updatedAt ?? since,
      state: alarm.state,
      reason: alarm.reason,
    }));
  const changedAt = (alarm: AlarmSnapshot) => alarm.transitionedAt ?? alarm.updatedAt ?? since;
  const changed = alarms.filter(
    (alarm) =>
      alarm.state !== 'ALARM' && changedAt(alarm) >= since && verified.get(alarm.name) !== changedAt(alarm),
  );
  for (const alarm of changed) {
    const at = await alarmedSince(cloudwatch, alarm.name, since);
    if (at !== undefined) fired.push({ name: alarm.name, at, state: alarm.state, reason: alarm.reason });
    else verified.set(alarm.name, changedAt(alarm));
  }
  return fired;
}

/** When the alarm entered ALARM at or after `since`, from its history; undefined if it did not. */
async function alarmedSince(
  cloudwatch: CloudWatchClient,
  name: string,
  since: number,
): Promise<number | undefined> {
  const response = await withContext(`read the state history of alarm ${name}`, () =>
    cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: name,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        HistoryItemType: 'StateUpdate',
        StartDate: new Date(since),
        ScanBy: 'TimestampAscending',
        MaxRecords: 100,
      }),
    ),
  );
  const entered = (response.AlarmHistoryItems ?? [])
    .map(parseStateChange)
    .find((change) => change?.to === 'ALARM');
  return entered?.at;
}

function logInsufficientData(alarms: AlarmSnapshot[], reported: Set<string>, logger: Logger): void {
  for (const alarm of alarms) {
    if (alarm.state === 'INSUFFICIENT_DATA' && !reported.has(alarm.name)) {
      // Not a failure: a freshly deployed service may not have produced the metric yet.
      logger.info(`${alarm.name}: INSUFFICIENT_DATA (not treated as a failure during the bake)`);
      reported.add(alarm.name);
    }
  }
}
