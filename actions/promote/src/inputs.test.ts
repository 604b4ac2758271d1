import { Inputs } from '../../../src/shared/runtime/inputs';
import { parseInputs, parseServicePair } from './inputs';

const base = { 'source-cluster': 'stage', 'target-cluster': 'prod', services: 'web' };
const parse = (values: Record<string, string>) =>
  parseInputs(new Inputs((name) => ({ ...base, ...values })[name]), { AWS_REGION: 'eu-west-1' });

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    expect(parse({})).toEqual({
      sourceCluster: 'stage',
      targetCluster: 'prod',
      services: [{ source: 'web', target: 'web' }],
      gateAlarms: [],
      soakMs: 15 * 60_000,
      insufficientData: 'block',
      targetAlarms: [],
      bakeMs: 10 * 60_000,
      rollback: 'auto',
      wait: true,
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 10_000,
      allowTags: false,
      github: undefined,
      dryRun: false,
      scheduledTasks: { mode: 'auto' },
      region: 'eu-west-1',
    });
  });

  it('reads pairs, alarm selectors one per line, and the token with its environment', () => {
    const parsed = parse({
      services: 'web:web-prod, worker',
      'gate-alarms': 'prefix:stage-\nqueue age, p99',
      'github-token': 'ghs_x',
      environment: 'production',
    });
    expect(parsed.services).toEqual([
      { source: 'web', target: 'web-prod' },
      { source: 'worker', target: 'worker' },
    ]);
    expect(parsed.gateAlarms).toEqual([
      { kind: 'prefix', prefix: 'stage-' },
      { kind: 'name', name: 'queue age, p99' },
    ]);
    expect(parsed.github).toEqual({ token: 'ghs_x', environment: 'production' });
    expect(parse({ 'github-token': 'ghs_x' }).github?.environment).toBe('prod');
  });

  it.each([
    [{ services: '' }, "Input 'services' is required"],
    [
      { services: 'a:b:c' },
      "Input 'services' has an entry that is not a service name or a source:target pair: 'a:b:c'",
    ],
    [{ services: 'web, api:web' }, "Input 'services' names target service 'web' twice"],
    [{ 'target-cluster': 'stage' }, "Input 'target-cluster' is the source cluster 'stage'"],
    [{ 'source-cluster': 'arn:aws:ecs:x' }, "Input 'source-cluster' is not a cluster name"],
    [{ 'gate-alarms': 'prefix:' }, "Input 'gate-alarms' has an empty prefix"],
    [{ soak: 'soon' }, "Input 'soak' is not a duration: 'soon'"],
    [{ 'insufficient-data': 'ignore' }, "Input 'insufficient-data' must be one of block, allow"],
    [{ wait: 'false', 'target-alarms': 'x' }, "Input 'wait' is false, but the bake watches target-alarms"],
    [{ 'poll-interval': '10ms' }, "Input 'poll-interval' must be at least"],
    [
      { 'scheduled-tasks': 'nightly report' },
      "Input 'scheduled-tasks' has 'nightly report', which is not an EventBridge rule name",
    ],
  ])('%p → %s', (values, message) => {
    expect(() => parse(values)).toThrow(message);
  });

  it.each([
    ['none', { mode: 'none' }],
    ['AUTO', { mode: 'auto' }],
    ['nightly-report, hourly.sync', { mode: 'rules', rules: ['nightly-report', 'hourly.sync'] }],
  ])('scheduled-tasks %p → %p', (text, selection) => {
    expect(parse({ 'scheduled-tasks': text }).scheduledTasks).toEqual(selection);
  });

  it('allows wait: false when there is nothing to bake', () => {
    expect(parse({ wait: 'false', 'target-alarms': 'x', bake: '0' }).wait).toBe(false);
  });

  it('renames within one cluster pair only when names differ', () => {
    expect(parseServicePair('web:web-canary')).toEqual({ source: 'web', target: 'web-canary' });
    expect(parse({ 'target-cluster': 'stage', services: 'web:web-canary' }).targetCluster).toBe('stage');
  });
});
