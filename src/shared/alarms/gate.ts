/**
 * The promotion gate, pure: alarms × states × timestamps × soak × insufficient-data policy →
 * one verdict per alarm. No AWS calls; the shell fetches snapshots (and, only when the
 * timestamps cannot decide, history) and hands them in.
 */
import { formatDuration } from '../runtime/duration';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** What DescribeAlarms (and, when consulted, DescribeAlarmHistory) told us about one alarm. */
export interface AlarmSnapshot {
  name: string;
  type: 'MetricAlarm' | 'CompositeAlarm';
  state: AlarmState;
  reason?: string;
  /** StateTransitionedTimestamp (ms): the last change of the state value. */
  transitionedAt?: number;
  /** StateUpdatedTimestamp (ms): the last state update of any kind; never before transitionedAt. */
  updatedAt?: number;
  /** Start of the current healthy streak, from DescribeAlarmHistory, when it was consulted. */
  healthySince?: number;
}

export type InsufficientDataPolicy = 'block' | 'allow';

export interface GatePolicy {
  /** How long (ms) every gate alarm must have been healthy. */
  soakMs: number;
  insufficientData: InsufficientDataPolicy;
}

export type Verdict = 'pass' | 'block';

/** One row of the gate table. */
export interface AlarmVerdict {
  alarm: string;
  /** The alarm's state, or MISSING when a name or prefix matched nothing. */
  state: AlarmState | 'MISSING';
  /** Since when (ms) the alarm has been in the state that decided the verdict. */
  since?: number;
  verdict: Verdict;
  reason: string;
}

/** The states that count as healthy under a policy: OK, and INSUFFICIENT_DATA when allowed. */
export function healthyStates(policy: InsufficientDataPolicy): ReadonlySet<AlarmState> {
  return new Set<AlarmState>(policy === 'allow' ? ['OK', 'INSUFFICIENT_DATA'] : ['OK']);
}

/**
 * A lower bound on how long the alarm has been healthy, from its timestamps alone. The healthy
 * streak began at or before the last value change (transitionedAt), which is at or before the
 * last update (updatedAt), so either one is a safe start when history was not consulted.
 */
function streakStart(alarm: AlarmSnapshot): number | undefined {
  return alarm.healthySince ?? alarm.transitionedAt ?? alarm.updatedAt;
}

/**
 * Whether the timestamps cannot decide and DescribeAlarmHistory could: the alarm is healthy,
 * history was not read yet, and the timestamp bound is shorter than the soak. With
 * `insufficient-data: block` and a StateTransitionedTimestamp the bound is exact (the state
 * before the last transition was not OK), so history cannot help and is not read.
 */
export function needsHistory(alarm: AlarmSnapshot, policy: GatePolicy, now: number): boolean {
  if (!healthyStates(policy.insufficientData).has(alarm.state)) return false;
  if (alarm.healthySince !== undefined) return false;
  const start = streakStart(alarm);
  if (start !== undefined && now - start >= policy.soakMs) return false;
  return policy.insufficientData === 'allow' || alarm.transitionedAt === undefined;
}

/** The verdict for one alarm. */
export function evaluateAlarm(alarm: AlarmSnapshot, policy: GatePolicy, now: number): AlarmVerdict {
  const row = { alarm: alarm.name, state: alarm.state };
  if (alarm.state === 'ALARM') {
    const since = alarm.transitionedAt ?? alarm.updatedAt;
    return { ...row, since, verdict: 'block', reason: `in ALARM${forHowLong(since, now)}` };
  }
  if (alarm.state === 'INSUFFICIENT_DATA' && policy.insufficientData === 'block') {
    const since = alarm.transitionedAt ?? alarm.updatedAt;
    return {
      ...row,
      since,
      verdict: 'block',
      reason: `INSUFFICIENT_DATA${forHowLong(since, now)} (insufficient-data: block)`,
    };
  }
  const since = streakStart(alarm);
  const label =
    alarm.state === 'OK' || policy.insufficientData === 'block' ? 'OK' : 'OK or INSUFFICIENT_DATA';
  if (since === undefined)
    return { ...row, verdict: 'block', reason: 'CloudWatch gave no state timestamp, so the soak is unknown' };
  const healthyFor = Math.max(0, now - since);
  const soak = formatDuration(policy.soakMs);
  if (healthyFor >= policy.soakMs)
    return {
      ...row,
      since,
      verdict: 'pass',
      reason: `${label} for ${formatDuration(healthyFor)}${policy.soakMs > 0 ? ` (soak ${soak})` : ''}`,
    };
  return {
    ...row,
    since,
    verdict: 'block',
    reason: `${label} for only ${formatDuration(healthyFor)}; soak is ${soak}`,
  };
}

function forHowLong(since: number | undefined, now: number): string {
  return since === undefined ? '' : ` for ${formatDuration(Math.max(0, now - since))}`;
}

/** The verdict for a name or `prefix:` selector that matched no alarm: a gate that checks nothing blocks. */
export function missingVerdict(selector: string): AlarmVerdict {
  return {
    alarm: selector,
    state: 'MISSING',
    verdict: 'block',
    reason: selector.startsWith('prefix:')
      ? 'no alarm has this prefix in the source region'
      : 'no such alarm in the source region',
  };
}

/** The whole gate: a verdict per alarm (sorted by name) and per unmatched selector. */
export function evaluateGate(
  alarms: readonly AlarmSnapshot[],
  unmatched: readonly string[],
  policy: GatePolicy,
  now: number,
): { verdicts: AlarmVerdict[]; blockedBy: string[] } {
  const verdicts = [
    ...unmatched.map(missingVerdict),
    ...[...alarms]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((alarm) => evaluateAlarm(alarm, policy, now)),
  ];
  return { verdicts, blockedBy: verdicts.filter((v) => v.verdict === 'block').map((v) => v.alarm) };
}
