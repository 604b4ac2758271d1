import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryLogger } from '../runtime/logger';
import { checkGate } from './check-gate';
import { fetchAlarms, parseAlarmSelector } from './fetch';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000);

function metric(name: string, state: string, minutesAgo: number): MetricAlarm {
  return {
    AlarmName: name,
    StateValue: state as MetricAlarm['StateValue'],
    StateReason: 'Threshold Crossed',
    StateTransitionedTimestamp: ago(minutesAgo),
    StateUpdatedTimestamp: ago(minutesAgo),
  };
}

describe('parseAlarmSelector', () => {
  it.each([
    ['api-5xx', { kind: 'name', name: 'api-5xx' }],
    ['prefix:stage-', { kind: 'prefix', prefix: 'stage-' }],
    ['  prefix: stage- ', { kind: 'prefix', prefix: 'stage-' }],
    ['name:with:colons', { kind: 'name', name: 'name:with:colons' }],
  ])('%p → %p', (text, expected) => {
    expect(parseAlarmSelector(text)).toEqual(expected);
  });
  it.each([
    ['prefix:', 'has an empty prefix'],
    ['x'.repeat(256), 'longer than 255 characters'],
  ])('rejects %p', (text, message) => {
    expect(() => parseAlarmSelector(text)).toThrow(message);
  });
});

describe('fetchAlarms', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  beforeEach(() => cloudwatch.reset());

  it('sends names 100 per request and each prefix alone, follows pages, and reports what matched nothing', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `n-${i}`);
    cloudwatch
      .on(DescribeAlarmsCommand)
      .callsFake((input: { AlarmNames?: string[]; AlarmNamePrefix?: string; NextToken?: string }) => {
        if (input.AlarmNames)
          return {
            MetricAlarms: input.AlarmNames.filter((n) => n !== 'n-7').map((n) => metric(n, 'OK', 60)),
          };
        if (input.AlarmNamePrefix === 'web-' && !input.NextToken)
          return { MetricAlarms: [metric('web-a', 'OK', 60)], NextToken: 'page2' };
        if (input.AlarmNamePrefix === 'web-')
          return {
            CompositeAlarms: [
              { AlarmName: 'web-all', StateValue: 'ALARM', StateTransitionedTimestamp: ago(1) },
            ],
          };
        return {};
      });
    const result = await fetchAlarms(new CloudWatchClient({}), [
      ...names.map((name) => parseAlarmSelector(name)),
      parseAlarmSelector('prefix:web-'),
      parseAlarmSelector('prefix:none-'),
    ]);
    const inputs = cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
    expect(inputs.filter((i) => i.AlarmNames).map((i) => i.AlarmNames!.length)).toEqual([100, 50]);
    expect(inputs.every((i) => i.MaxRecords === 100)).toBe(true);
    expect(inputs.every((i) => i.AlarmTypes?.join() === 'MetricAlarm,CompositeAlarm')).toBe(true);
    expect(inputs.filter((i) => i.AlarmNamePrefix === 'web-').map((i) => i.NextToken)).toEqual([
      undefined,
      'page2',
    ]);
    expect(result.unmatched).toEqual(['n-7', 'prefix:none-']);
    expect(result.alarms).toHaveLength(149 + 2);
    expect(result.alarms.find((a) => a.name === 'web-all')).toEqual({
      name: 'web-all',
      type: 'CompositeAlarm',
      state: 'ALARM',
      reason: undefined,
      transitionedAt: NOW - 60_000,
      updatedAt: undefined,
    });
  });

  it('counts an alarm named and matched by a prefix once', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metric('web-a', 'OK', 60)] });
    const result = await fetchAlarms(new CloudWatchClient({}), [
      parseAlarmSelector('web-a'),
      parseAlarmSelector('prefix:web-'),
    ]);
    expect(result.alarms.map((a) => a.name)).toEqual(['web-a']);
  });
});

describe('checkGate', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  beforeEach(() => cloudwatch.reset());

  it('reads history only for alarms whose timestamps cannot prove the soak', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        metric('long-ok', 'OK', 120),
        metric('fresh-ok', 'OK', 2),
        metric('burning', 'ALARM', 1),
      ],
    });
    cloudwatch.on(DescribeAlarmHistoryCommand, { AlarmName: 'fresh-ok' }).resolves({
      AlarmHistoryItems: [
        {
          Timestamp: ago(2),
          HistoryData: JSON.stringify({
            oldState: { stateValue: 'INSUFFICIENT_DATA' },
            newState: { stateValue: 'OK' },
          }),
        },
        {
          Timestamp: ago(40),
          HistoryData: JSON.stringify({
            oldState: { stateValue: 'ALARM' },
            newState: { stateValue: 'INSUFFICIENT_DATA' },
          }),
        },
      ],
    });
    const logger = new MemoryLogger();
    const result = await checkGate(
      new CloudWatchClient({}),
      [parseAlarmSelector('prefix:x')],
      { soakMs: 15 * 60_000, insufficientData: 'allow' },
      { now: () => NOW, logger },
    );
    expect(cloudwatch.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(1);
    expect(result.historyReads).toBe(1);
    expect(result.verdicts.map((v) => [v.alarm, v.verdict, v.reason])).toEqual([
      ['burning', 'block', 'in ALARM for 1m'],
      ['fresh-ok', 'pass', 'OK for 40m (soak 15m)'],
      ['long-ok', 'pass', 'OK for 2h (soak 15m)'],
    ]);
    expect(result.blockedBy).toEqual(['burning']);
    expect(logger.lines).toContain('Reading state history of 1 alarm(s) to measure their soak');
  });
});
