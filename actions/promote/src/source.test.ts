import { isDigestPinned, sourceProblems, type SourceService, type SourceState } from './source';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7';
const PINNED = `shop@sha256:${'a'.repeat(64)}`;

function service(fields: Partial<SourceService> = {}): SourceService {
  return {
    service: 'web',
    taskDefinitionArn: ARN,
    rolloutState: 'COMPLETED',
    deployments: 1,
    steady: true,
    completedAt: NOW - 60 * MIN,
    ...fields,
  };
}

function state(
  services: SourceService[],
  images = [{ container: 'web', image: PINNED, pinned: true }],
): SourceState {
  return { services, taskDefinitionArn: ARN, images };
}

const rules = { soakMs: 15 * MIN, allowTags: false, now: NOW };

describe('isDigestPinned', () => {
  it.each([
    [PINNED, true],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:1.2@sha256:${'0'.repeat(64)}`, true],
    ['shop:1.2', false],
    ['shop', false],
    ['shop@sha256:abc', false],
    [`shop@sha512:${'a'.repeat(64)}`, false],
  ])('%s → %p', (image, expected) => {
    expect(isDigestPinned(image)).toBe(expected);
  });
});

describe('sourceProblems', () => {
  it.each<[string, SourceState, Partial<typeof rules>, string[]]>([
    ['a settled, soaked, pinned source', state([service()]), {}, []],
    [
      'a rollout in progress',
      state([service({ rolloutState: 'IN_PROGRESS', steady: false, deployments: 2 })]),
      {},
      ['web is mid-deployment (PRIMARY IN_PROGRESS, 2 deployments): promote once it has finished'],
    ],
    [
      'a completed primary with an old deployment still draining',
      state([service({ deployments: 2 })]),
      {},
      ['web is mid-deployment (PRIMARY COMPLETED, 2 deployments): promote once it has finished'],
    ],
    [
      'a deployment younger than the soak',
      state([service({ completedAt: NOW - 4 * MIN })]),
      {},
      ["web's deployment finished 4m ago; soak is 15m"],
    ],
    [
      'no deployment time',
      state([service({ completedAt: undefined })]),
      {},
      ['web: ECS reported no time for its deployment, so its soak is unknown'],
    ],
    [
      'services on different revisions',
      {
        services: [service(), service({ service: 'worker', taskDefinitionArn: `${ARN.slice(0, -1)}6` })],
        images: [],
      },
      {},
      [
        'source services run different revisions (web: shop:7, worker: shop:6): promote one revision at a time',
      ],
    ],
    [
      'a tag-only image',
      state([service()], [{ container: 'web', image: 'shop:1.2', pinned: false }]),
      {},
      [
        'images are not pinned by digest (web: shop:1.2): the same tag may pull different code in the target; deploy with pin-digests or set allow-tags: true',
      ],
    ],
    [
      'a tag-only image, allowed',
      state([service()], [{ container: 'web', image: 'shop:1.2', pinned: false }]),
      { allowTags: true },
      [],
    ],
    ['a zero soak', state([service({ completedAt: NOW })]), { soakMs: 0 }, []],
  ])('%s', (_, source, overrides, expected) => {
    expect(sourceProblems(source, { ...rules, ...overrides })).toEqual(expected);
  });
});
