/**
 * Alarm fetching: DescribeAlarms by names and by `prefix:` selectors, every page, metric and
 * composite alarms alike, into the snapshots the gate evaluates.
 */
import {
  DescribeAlarmsCommand,
  type CloudWatchClient,
  type CompositeAlarm,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { withContext } from '../runtime/errors';
import type { AlarmSnapshot, AlarmState } from './gate';

/** An entry of an alarms input: an alarm name, or `prefix:<p>` for every alarm named `<p>…`. */
export type AlarmSelector = { kind: 'name'; name: string } | { kind: 'prefix'; prefix: string };

/** Parses one entry; throws a message (for an InputError) when it is not valid. */
export function parseAlarmSelector(text: string): AlarmSelector {
  const value = text.trim();
  if (value.startsWith('prefix:')) {
    const prefix = value.slice('prefix:'.length).trim();
    if (prefix === '')
      throw new Error(`has an empty prefix in '${value}'; write prefix:<start of the names>`);
    return { kind: 'prefix', prefix };
  }
  // CloudWatch alarm names are 1–255 characters.
  if (value.length > 255) throw new Error(`has an alarm name longer than 255 characters: '${value}'`);
  return { kind: 'name', name: value };
}

/** The selector as the user wrote it, for tables and `blocked-by`. */
export function formatSelector(selector: AlarmSelector): string {
  return selector.kind === 'prefix' ? `prefix:${selector.prefix}` : selector.name;
}

export interface FetchedAlarms {
  alarms: AlarmSnapshot[];
  /** Selectors that matched no alarm, as written. */
  unmatched: string[];
}

/** DescribeAlarms takes at most 100 names per request. */
const NAMES_PER_REQUEST = 100;

/**
 * Every alarm the selectors name. Names go 100 to a request; each prefix is its own request
 * (CloudWatch refuses AlarmNames together with AlarmNamePrefix). AlarmTypes lists both kinds:
 * without it DescribeAlarms returns metric alarms only and a composite gate would look missing.
 */
export async function fetchAlarms(
  cloudwatch: CloudWatchClient,
  selectors: readonly AlarmSelector[],
): Promise<FetchedAlarms> {
  const names = selectors.flatMap((s) => (s.kind === 'name' ? [s.name] : []));
  const prefixes = selectors.flatMap((s) => (s.kind === 'prefix' ? [s.prefix] : []));
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += NAMES_PER_REQUEST)
    chunks.push(names.slice(i, i + NAMES_PER_REQUEST));
  const [byName, byPrefix] = await Promise.all([
    Promise.all(
      chunks.map((chunk) => describeAll(cloudwatch, { AlarmNames: chunk }, `${chunk.length} alarms`)),
    ),
    Promise.all(
      prefixes.map((prefix) =>
        describeAll(cloudwatch, { AlarmNamePrefix: prefix }, `alarms named ${prefix}*`),
      ),
    ),
  ]);
  const found = new Map<string, AlarmSnapshot>();
  [...byName.flat(), ...byPrefix.flat()].forEach((alarm) => found.set(alarm.name, alarm));
  const unmatched = [
    ...names.filter((name) => !found.has(name)),
    ...prefixes.filter((_, i) => byPrefix[i].length === 0).map((prefix) => `prefix:${prefix}`),
  ];
  return { alarms: [...found.values()], unmatched };
}

async function describeAll(
  cloudwatch: CloudWatchClient,
  filter: Pick<DescribeAlarmsCommandInput, 'AlarmNames' | 'AlarmNamePrefix'>,
  what: string,
): Promise<AlarmSnapshot[]> {
  const alarms: AlarmSnapshot[] = [];
  let token: string | undefined;
  do {
    const page = await withContext(`describe ${what}`, () =>
      cloudwatch.send(
        new DescribeAlarmsCommand({
          ...filter,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: 100,
          NextToken: token,
        }),
      ),
    );
    (page.MetricAlarms ?? []).forEach((alarm) => alarms.push(toSnapshot(alarm, 'MetricAlarm')));
    (page.CompositeAlarms ?? []).forEach((alarm) => alarms.push(toSnapshot(alarm, 'CompositeAlarm')));
    token = page.NextToken;
  } while (token);
  return alarms;
}

function toSnapshot(alarm: MetricAlarm | CompositeAlarm, type: AlarmSnapshot['type']): AlarmSnapshot {
  return {
    name: alarm.AlarmName ?? '',
    type,
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmState,
    reason: alarm.StateReason,
    transitionedAt: alarm.StateTransitionedTimestamp?.getTime(),
    updatedAt: alarm.StateUpdatedTimestamp?.getTime(),
  };
}
