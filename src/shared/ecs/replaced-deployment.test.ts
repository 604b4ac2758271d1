import type { ServiceDeploymentBrief } from '@aws-sdk/client-ecs';
import { pickOurServiceDeployment } from './replaced-deployment';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const brief = (name: string, ms: number | undefined): ServiceDeploymentBrief => ({
  serviceDeploymentArn: name,
  createdAt: ms === undefined ? undefined : at(ms),
});

describe('pickOurServiceDeployment', () => {
  it.each<[string, ServiceDeploymentBrief[], number, number | undefined, string | undefined]>([
    ['the one created when ours was', [brief('theirs', 40), brief('ours', 0)], 0, 40, 'ours'],
    ['a few ms of skew', [brief('theirs', 900), brief('ours', 7), brief('older', -800)], 0, 900, 'ours'],
    ['never one created after the replacing deployment', [brief('theirs', 3)], 0, 2, undefined],
    ['replaced within the same millisecond', [brief('theirs', 0), brief('ours', 0)], 0, 0, 'ours'],
    ['no createdAt', [brief('odd', undefined)], 0, 10, undefined],
    ['nothing listed', [], 0, undefined, undefined],
  ])('%s', (_name, briefs, startedAt, replacedAt, expected) => {
    const picked = pickOurServiceDeployment(
      briefs,
      at(startedAt),
      replacedAt === undefined ? undefined : at(replacedAt),
    );
    expect(picked?.serviceDeploymentArn).toBe(expected);
  });
});
