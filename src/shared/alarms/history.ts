/**
 * Since when an alarm has been healthy, from DescribeAlarmHistory. Used only when the alarm's
 * own timestamps cannot decide the soak (see `needsHistory` in gate.ts).
 */
import {
  DescribeAlarmHistoryCommand,
  type AlarmHistoryItem,
  type CloudWatchClient,
} from '@aws-sdk/client-cloudwatch';
import { withContext } from '../runtime/errors';
import type { AlarmState } from './gate';

/** One state change as DescribeAlarmHistory records it. */
export interface StateChange {
  at: number;
  from?: string;
  to?: string;
}

/** Reads a StateUpdate item: HistoryData is `{"oldState":{"stateValue":…},"newState":{…}}`. */
export function parseStateChange(item: AlarmHistoryItem): StateChange | undefined {
  if (!item.Timestamp) return undefined;
  try {
    const data = JSON.parse(item.HistoryData ?? '') as {
      oldState?: { stateValue?: string };
      newState?: { stateValue?: string };
    };
    return { at: item.Timestamp.getTime(), from: data.oldState?.stateValue, to: data.newState?.stateValue };
  } catch {
    // An item we cannot read ends the streak there: never claim more soak than we can prove.
    return { at: item.Timestamp.getTime() };
  }
}

/**
 * Where the current healthy streak began, given state changes newest first: the first change
 * that came from an unhealthy (or unreadable) state. `exhausted` says the list is all the
 * history there is; then a streak with no such change is at least as old as the oldest change.
 * Returns undefined when more history is needed.
 */
export function healthyStreakStart(
  changes: readonly StateChange[],
  healthy: ReadonlySet<AlarmState>,
  exhausted: boolean,
): number | undefined {
  for (const change of changes) {
    if (change.from === undefined || !healthy.has(change.from as AlarmState)) return change.at;
  }
  if (!exhausted) return undefined;
  return changes.length > 0 ? changes[changes.length - 1].at : undefined;
}

/** Pages of 100 items to read at most: CloudWatch keeps 30 days of history. */
const MAX_PAGES = 10;

/**
 * The start of the alarm's current healthy streak from its history, newest first, reading
 * pages only until the streak's start is found. Undefined when the history holds no state
 * change at all (then the alarm's timestamps are the best bound there is).
 */
export async function readHealthySince(
  cloudwatch: CloudWatchClient,
  alarmName: string,
  healthy: ReadonlySet<AlarmState>,
): Promise<number | undefined> {
  const changes: StateChange[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await withContext(`read the state history of alarm ${alarmName}`, () =>
      cloudwatch.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: alarmName,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          HistoryItemType: 'StateUpdate',
          ScanBy: 'TimestampDescending',
          MaxRecords: 100,
          NextToken: token,
        }),
      ),
    );
    for (const item of response.AlarmHistoryItems ?? []) {
      const change = parseStateChange(item);
      if (change) changes.push(change);
    }
    token = response.NextToken;
    const start = healthyStreakStart(changes, healthy, token === undefined || page === MAX_PAGES - 1);
    if (start !== undefined || token === undefined) return start;
  }
  return undefined;
}
