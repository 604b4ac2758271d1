import {
  evaluateAlarm,
  evaluateGate,
  needsHistory,
  type AlarmSnapshot,
  type AlarmState,
  type GatePolicy,
} from './gate';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const ago = (minutes: number) => NOW - minutes * MIN;

function alarm(state: AlarmState, fields: Partial<AlarmSnapshot> = {}): AlarmSnapshot {
  return { name: 'api-5xx', type: 'MetricAlarm', state, ...fields };
}

const block: GatePolicy = { soakMs: 15 * MIN, insufficientData: 'block' };
const allow: GatePolicy = { soakMs: 15 * MIN, insufficientData: 'allow' };

describe('evaluateAlarm', () => {
  it.each<[string, AlarmSnapshot, GatePolicy, string, string, number | undefined]>([
    [
      'OK long enough',
      alarm('OK', { transitionedAt: ago(120) }),
      block,
      'pass',
      'OK for 2h (soak 15m)',
      ago(120),
    ],
    [
      'OK exactly the soak',
      alarm('OK', { transitionedAt: ago(15) }),
      block,
      'pass',
      'OK for 15m (soak 15m)',
      ago(15),
    ],
    [
      'OK too briefly',
      alarm('OK', { transitionedAt: ago(5) }),
      block,
      'block',
      'OK for only 5m; soak is 15m',
      ago(5),
    ],
    [
      'OK, only the update stamp',
      alarm('OK', { updatedAt: ago(30) }),
      block,
      'pass',
      'OK for 30m (soak 15m)',
      ago(30),
    ],
    [
      'OK, history extends the streak',
      alarm('OK', { transitionedAt: ago(5), healthySince: ago(90) }),
      allow,
      'pass',
      'OK for 1h 30m (soak 15m)',
      ago(90),
    ],
    ['in ALARM', alarm('ALARM', { transitionedAt: ago(3) }), block, 'block', 'in ALARM for 3m', ago(3)],
    [
      'in ALARM for ages',
      alarm('ALARM', { transitionedAt: ago(600) }),
      allow,
      'block',
      'in ALARM for 10h',
      ago(600),
    ],
    [
      'INSUFFICIENT_DATA, blocked',
      alarm('INSUFFICIENT_DATA', { transitionedAt: ago(40) }),
      block,
      'block',
      'INSUFFICIENT_DATA for 40m (insufficient-data: block)',
      ago(40),
    ],
    [
      'INSUFFICIENT_DATA, allowed and soaked',
      alarm('INSUFFICIENT_DATA', { transitionedAt: ago(40) }),
      allow,
      'pass',
      'OK or INSUFFICIENT_DATA for 40m (soak 15m)',
      ago(40),
    ],
    [
      'INSUFFICIENT_DATA, allowed but fresh out of ALARM',
      alarm('INSUFFICIENT_DATA', { transitionedAt: ago(2), healthySince: ago(2) }),
      allow,
      'block',
      'OK or INSUFFICIENT_DATA for only 2m; soak is 15m',
      ago(2),
    ],
    [
      'no timestamps at all',
      alarm('OK'),
      block,
      'block',
      'CloudWatch gave no state timestamp, so the soak is unknown',
      undefined,
    ],
    [
      'a clock skewed into the future',
      alarm('OK', { transitionedAt: NOW + 5000 }),
      block,
      'block',
      'OK for only 0ms; soak is 15m',
      NOW + 5000,
    ],
  ])('%s', (_, snapshot, policy, verdict, reason, since) => {
    expect(evaluateAlarm(snapshot, policy, NOW)).toEqual({
      alarm: 'api-5xx',
      state: snapshot.state,
      since,
      verdict,
      reason,
    });
  });

  it('passes a zero soak at once', () => {
    expect(evaluateAlarm(alarm('OK', { transitionedAt: NOW }), { ...block, soakMs: 0 }, NOW).verdict).toBe(
      'pass',
    );
  });
});

describe('needsHistory', () => {
  it.each<[string, AlarmSnapshot, GatePolicy, boolean]>([
    [
      'exact transition, block policy: timestamps decide',
      alarm('OK', { transitionedAt: ago(5) }),
      block,
      false,
    ],
    ['already soaked by timestamps', alarm('OK', { transitionedAt: ago(60) }), allow, false],
    [
      'allow policy, short: an earlier healthy state may extend it',
      alarm('OK', { transitionedAt: ago(5) }),
      allow,
      true,
    ],
    ['only an update stamp, short', alarm('OK', { updatedAt: ago(5) }), block, true],
    ['no timestamps', alarm('OK'), block, true],
    ['in ALARM: nothing to measure', alarm('ALARM', { transitionedAt: ago(5) }), allow, false],
    [
      'INSUFFICIENT_DATA blocked: nothing to measure',
      alarm('INSUFFICIENT_DATA', { updatedAt: ago(5) }),
      block,
      false,
    ],
    ['history already read', alarm('OK', { transitionedAt: ago(5), healthySince: ago(5) }), allow, false],
  ])('%s → %p', (_, snapshot, policy, expected) => {
    expect(needsHistory(snapshot, policy, NOW)).toBe(expected);
  });
});

describe('evaluateGate', () => {
  it('lists unmatched selectors first, then alarms by name, and names every blocker', () => {
    const result = evaluateGate(
      [
        alarm('OK', { name: 'web-latency', transitionedAt: ago(60) }),
        alarm('ALARM', { name: 'api-5xx', transitionedAt: ago(1) }),
        alarm('INSUFFICIENT_DATA', { name: 'db-cpu', transitionedAt: ago(60) }),
      ],
      ['prefix:queue-', 'gone'],
      block,
      NOW,
    );
    expect(result.verdicts.map((v) => [v.alarm, v.state, v.verdict])).toEqual([
      ['prefix:queue-', 'MISSING', 'block'],
      ['gone', 'MISSING', 'block'],
      ['api-5xx', 'ALARM', 'block'],
      ['db-cpu', 'INSUFFICIENT_DATA', 'block'],
      ['web-latency', 'OK', 'pass'],
    ]);
    expect(result.verdicts[0].reason).toBe('no alarm has this prefix in the source region');
    expect(result.verdicts[1].reason).toBe('no such alarm in the source region');
    expect(result.blockedBy).toEqual(['prefix:queue-', 'gone', 'api-5xx', 'db-cpu']);
  });

  it('passes when every alarm has soaked', () => {
    const alarms = Array.from({ length: 200 }, (_, i) =>
      alarm('OK', { name: `svc-${String(i).padStart(3, '0')}`, transitionedAt: ago(16 + i) }),
    );
    const result = evaluateGate(alarms, [], block, NOW);
    expect(result.blockedBy).toEqual([]);
    expect(result.verdicts).toHaveLength(200);
  });

  it('passes an empty gate (no gate alarms configured)', () => {
    expect(evaluateGate([], [], block, NOW)).toEqual({ verdicts: [], blockedBy: [] });
  });
});
