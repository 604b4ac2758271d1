import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import type { Clock } from '../aws/poll';
import { MemoryLogger } from '../runtime/logger';
import { bake } from './bake';

const START = Date.parse('2026-03-01T12:00:00Z');

function fakeClock(): Clock & { sleeps: number[] } {
  let now = START;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function metric(name: string, state: string, changedAt: number): MetricAlarm {
  return {
    AlarmName: name,
    StateValue: state as MetricAlarm['StateValue'],
    StateReason: `${state} reason`,
    StateTransitionedTimestamp: new Date(changedAt),
    StateUpdatedTimestamp: new Date(changedAt),
  };
}

const transition = (at: number, from: string, to: string) => ({
  Timestamp: new Date(at),
  HistoryData: JSON.stringify({ oldState: { stateValue: from }, newState: { stateValue: to } }),
});

describe('bake', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  const client = new CloudWatchClient({});
  const selectors = [{ kind: 'prefix' as const, prefix: 'prod-' }];
  beforeEach(() => cloudwatch.reset());

  it('watches for the whole bake, never sleeping past its end, and passes when nothing fires', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [metric('prod-5xx', 'OK', START - 3_600_000)] });
    const clock = fakeClock();
    const logger = new MemoryLogger();
    const result = await bake(client, selectors, {
      bakeMs: 25_000,
      pollInterval: 10_000,
      watchFrom: START,
      clock,
      logger,
    });
    expect(result).toEqual({
      outcome: 'passed',
      fired: [],
      watchedMs: 25_000,
      polls: 4,
      alarms: ['prod-5xx'],
      unmatched: [],
    });
    expect(clock.sleeps).toEqual([10_000, 10_000, 5_000]);
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(0);
    expect(logger.lines).toEqual(['Baking: watching 1 alarm(s) for 25s']);
  });

  it('stops at the first poll that finds an alarm in ALARM', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [metric('prod-5xx', 'OK', START - 3_600_000)] })
      .resolvesOnce({ MetricAlarms: [metric('prod-5xx', 'OK', START - 3_600_000)] })
      .resolves({ MetricAlarms: [metric('prod-5xx', 'ALARM', START + 15_000)] });
    const clock = fakeClock();
    const result = await bake(client, selectors, {
      bakeMs: 600_000,
      pollInterval: 10_000,
      watchFrom: START,
      clock,
      logger: new MemoryLogger(),
    });
    expect(result).toMatchObject({
      outcome: 'alarm',
      watchedMs: 20_000,
      polls: 3,
      fired: [{ name: 'prod-5xx', at: START + 15_000, state: 'ALARM', reason: 'ALARM reason' }],
    });
    expect(clock.sleeps).toEqual([10_000, 10_000]);
  });

  it('catches an alarm that went to ALARM and back between two polls, from its history', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [metric('prod-5xx', 'OK', START + 4_000)] });
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [transition(START + 2_000, 'OK', 'ALARM'), transition(START + 4_000, 'ALARM', 'OK')],
    });
    const result = await bake(client, selectors, {
      bakeMs: 60_000,
      pollInterval: 10_000,
      watchFrom: START - 30_000,
      clock: fakeClock(),
      logger: new MemoryLogger(),
    });
    expect(result).toMatchObject({
      outcome: 'alarm',
      polls: 1,
      fired: [{ name: 'prod-5xx', at: START + 2_000, state: 'OK' }],
    });
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand)[0].args[0].input).toMatchObject({
      AlarmName: 'prod-5xx',
      StartDate: new Date(START - 30_000),
      ScanBy: 'TimestampAscending',
      HistoryItemType: 'StateUpdate',
    });
  });

  it('reads the history of a changed alarm once, and does not fail on INSUFFICIENT_DATA', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        metric('prod-5xx', 'OK', START + 1_000),
        metric('prod-new', 'INSUFFICIENT_DATA', START + 1_000),
      ],
    });
    cloudwatch.on(DescribeAlarmHistoryCommand, { AlarmName: 'prod-5xx' }).resolves({
      AlarmHistoryItems: [transition(START + 1_000, 'INSUFFICIENT_DATA', 'OK')],
    });
    cloudwatch.on(DescribeAlarmHistoryCommand, { AlarmName: 'prod-new' }).resolves({
      AlarmHistoryItems: [transition(START + 1_000, 'OK', 'INSUFFICIENT_DATA')],
    });
    const logger = new MemoryLogger();
    const result = await bake(client, selectors, {
      bakeMs: 30_000,
      pollInterval: 10_000,
      watchFrom: START,
      clock: fakeClock(),
      logger,
    });
    expect(result.outcome).toBe('passed');
    expect(result.polls).toBe(4);
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(2);
    expect(logger.lines.filter((line) => line.includes('INSUFFICIENT_DATA'))).toEqual([
      'prod-new: INSUFFICIENT_DATA (not treated as a failure during the bake)',
    ]);
  });

  it('with a zero bake checks once', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const clock = fakeClock();
    const result = await bake(client, selectors, {
      bakeMs: 0,
      pollInterval: 10_000,
      watchFrom: START,
      clock,
      logger: new MemoryLogger(),
    });
    expect(result).toMatchObject({ outcome: 'passed', polls: 1, unmatched: ['prefix:prod-'] });
    expect(clock.sleeps).toEqual([]);
  });
});
