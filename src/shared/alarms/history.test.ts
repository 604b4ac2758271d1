import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  type AlarmHistoryItem,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { healthyStates } from './gate';
import { healthyStreakStart, parseStateChange, readHealthySince, type StateChange } from './history';

const T = (minutesAgo: number) => Date.parse('2026-03-01T12:00:00Z') - minutesAgo * 60_000;
const change = (minutesAgo: number, from: string, to: string): StateChange => ({
  at: T(minutesAgo),
  from,
  to,
});

function item(minutesAgo: number, from: string, to: string): AlarmHistoryItem {
  return {
    AlarmName: 'api-5xx',
    Timestamp: new Date(T(minutesAgo)),
    HistoryItemType: 'StateUpdate',
    HistorySummary: `Alarm updated from ${from} to ${to}`,
    HistoryData: JSON.stringify({
      version: '1.0',
      oldState: { stateValue: from, stateReason: 'x' },
      newState: { stateValue: to, stateReason: 'y' },
    }),
  };
}

describe('healthyStreakStart', () => {
  const okOnly = healthyStates('block');
  const okOrMissing = healthyStates('allow');
  it.each<[string, StateChange[], ReturnType<typeof healthyStates>, boolean, number | undefined]>([
    ['the last change came from ALARM', [change(5, 'ALARM', 'OK')], okOnly, true, T(5)],
    [
      'allow: INSUFFICIENT_DATA → OK continues a streak begun when ALARM cleared',
      [
        change(5, 'INSUFFICIENT_DATA', 'OK'),
        change(50, 'OK', 'INSUFFICIENT_DATA'),
        change(90, 'ALARM', 'OK'),
      ],
      okOrMissing,
      true,
      T(90),
    ],
    [
      'block: the same history starts the streak at the last change',
      [change(5, 'INSUFFICIENT_DATA', 'OK'), change(50, 'OK', 'INSUFFICIENT_DATA')],
      okOnly,
      true,
      T(5),
    ],
    [
      'all healthy changes, all history read: at least the oldest',
      [change(5, 'INSUFFICIENT_DATA', 'OK'), change(70, 'OK', 'INSUFFICIENT_DATA')],
      okOrMissing,
      true,
      T(70),
    ],
    [
      'all healthy changes, more pages exist: unknown yet',
      [change(5, 'INSUFFICIENT_DATA', 'OK')],
      okOrMissing,
      false,
      undefined,
    ],
    ['no changes at all', [], okOnly, true, undefined],
    [
      'an unreadable change ends the streak',
      [{ at: T(3) }, change(90, 'ALARM', 'OK')],
      okOrMissing,
      true,
      T(3),
    ],
  ])('%s', (_, changes, healthy, exhausted, expected) => {
    expect(healthyStreakStart(changes, healthy, exhausted)).toBe(expected);
  });
});

describe('parseStateChange', () => {
  it('reads old and new state from HistoryData', () => {
    expect(parseStateChange(item(1, 'OK', 'ALARM'))).toEqual({ at: T(1), from: 'OK', to: 'ALARM' });
  });
  it('keeps the time of an item whose data is not JSON', () => {
    expect(parseStateChange({ Timestamp: new Date(T(2)), HistoryData: 'nope' })).toEqual({ at: T(2) });
  });
});

describe('readHealthySince', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  beforeEach(() => cloudwatch.reset());

  it('pages newest first only until the streak start is found', async () => {
    cloudwatch
      .on(DescribeAlarmHistoryCommand)
      .resolvesOnce({
        AlarmHistoryItems: [item(2, 'INSUFFICIENT_DATA', 'OK'), item(30, 'OK', 'INSUFFICIENT_DATA')],
        NextToken: 'p2',
      })
      .resolvesOnce({
        AlarmHistoryItems: [item(45, 'ALARM', 'OK'), item(60, 'OK', 'ALARM')],
        NextToken: 'p3',
      });
    const since = await readHealthySince(new CloudWatchClient({}), 'api-5xx', healthyStates('allow'));
    expect(since).toBe(T(45));
    const calls = cloudwatch.commandCalls(DescribeAlarmHistoryCommand).map((call) => call.args[0].input);
    expect(calls).toEqual([
      {
        AlarmName: 'api-5xx',
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        HistoryItemType: 'StateUpdate',
        ScanBy: 'TimestampDescending',
        MaxRecords: 100,
        NextToken: undefined,
      },
      expect.objectContaining({ NextToken: 'p2' }),
    ]);
  });

  it('says what it was doing when CloudWatch refuses', async () => {
    cloudwatch
      .on(DescribeAlarmHistoryCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));
    await expect(
      readHealthySince(new CloudWatchClient({}), 'api-5xx', healthyStates('block')),
    ).rejects.toThrow(
      'Could not read the state history of alarm api-5xx: AccessDenied: User is not authorized',
    );
  });
});
