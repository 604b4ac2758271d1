import { Inputs } from '../../../src/shared/runtime/inputs';
import { parseInputs } from './inputs';
import { blockedMessage, newReport, reportOutputs, type PromotionReport } from './report';
import { renderSummary } from './summary';

const T = Date.parse('2026-03-01T12:00:00Z');
const ARN = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/shop:${n}`;
const inputs = parseInputs(
  new Inputs(
    (name) =>
      ({
        'source-cluster': 'stage',
        'target-cluster': 'prod',
        services: 'web',
        'gate-alarms': 'prefix:stage-',
        'target-alarms': 'prod-5xx',
      })[name],
  ),
  { AWS_REGION: 'eu-west-1' },
);

function blockedReport(): PromotionReport {
  return {
    ...newReport(),
    result: 'blocked',
    taskDefinitionArn: ARN(7),
    previous: { web: ARN(6) },
    blockedBy: ['stage-5xx'],
    source: {
      services: [
        {
          service: 'web',
          taskDefinitionArn: ARN(7),
          rolloutState: 'COMPLETED',
          deployments: 1,
          steady: true,
          completedAt: T - 7_200_000,
        },
      ],
      taskDefinitionArn: ARN(7),
      images: [{ container: 'web', image: 'shop@sha256:abc', pinned: true }],
    },
    gate: {
      verdicts: [
        {
          alarm: 'stage-5xx',
          state: 'ALARM',
          since: T - 180_000,
          verdict: 'block',
          reason: 'in ALARM for 3m',
        },
        {
          alarm: 'stage-latency',
          state: 'OK',
          since: T - 7_200_000,
          verdict: 'pass',
          reason: 'OK for 2h (soak 15m)',
        },
      ],
      blockedBy: ['stage-5xx'],
      evaluatedAt: T,
      historyReads: 0,
    },
    targetGate: [
      {
        alarm: 'prod-5xx',
        state: 'OK',
        since: T - 7_200_000,
        verdict: 'pass',
        reason: 'OK for 2h',
      },
    ],
  };
}

describe('promotion summary', () => {
  it('renders a blocked promotion: source, gate table, target alarms', () => {
    expect(renderSummary(blockedReport(), inputs)).toMatchSnapshot();
  });

  it('renders a bake that fired and the rollback, with the GitHub record', () => {
    const report: PromotionReport = {
      ...blockedReport(),
      result: 'rolled-back',
      blockedBy: [],
      deploy: {
        ok: true,
        services: [
          {
            service: 'web',
            previousTaskDefinitionArn: ARN(6),
            taskDefinitionArn: ARN(7),
            outcome: 'deployed',
            deploymentId: 'ecs-svc/1',
            events: [],
            stoppedTasks: [],
            unhealthyTargets: [],
          },
        ],
      },
      bake: {
        outcome: 'alarm',
        fired: [{ name: 'prod-5xx', at: T + 60_000, state: 'ALARM', reason: '5xx > 1' }],
        watchedMs: 65_000,
        polls: 7,
        alarms: ['prod-5xx'],
        unmatched: [],
      },
      rollback: {
        ok: true,
        services: [
          {
            service: 'web',
            previousTaskDefinitionArn: ARN(7),
            taskDefinitionArn: ARN(6),
            outcome: 'deployed',
            deploymentId: 'ecs-svc/2',
            events: [],
            stoppedTasks: [],
            unhealthyTargets: [],
          },
        ],
      },
      github: {
        id: 9,
        environment: 'prod',
        link: 'https://github.com/acme/shop/deployments/prod',
        state: 'failure',
      },
    };
    expect(renderSummary(report, inputs)).toMatchSnapshot();
  });

  it('names every blocker with its state and since when', () => {
    const report = blockedReport();
    report.sourceProblems = ["web's deployment finished 4m ago; soak is 15m"];
    expect(blockedMessage(report)).toBe(
      "Promotion blocked: gate alarm stage-5xx is ALARM since 2026-03-01T11:57:00Z (in ALARM for 3m); web's deployment finished 4m ago; soak is 15m",
    );
  });

  it('sets every output even when nothing is known', () => {
    expect(reportOutputs(newReport())).toEqual({
      'task-definition-arn': '',
      'previous-task-definition-arns': '{}',
      result: 'failed',
      'blocked-by': '[]',
    });
  });
});
