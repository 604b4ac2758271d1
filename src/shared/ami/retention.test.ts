import { newestFirst, planRetention, type RetainedImage, type RetentionInput } from './retention';

const img = (n: number, extra: Partial<RetainedImage> = {}): RetainedImage => ({
  imageId: `ami-${n}`,
  name: `ecs-node-2026010${n}`,
  creationDate: `2026-01-0${n}T00:00:00.000Z`,
  state: 'available',
  snapshots: [`snap-${n}`],
  ...extra,
});
const six = [1, 2, 3, 4, 5, 6].map((n) => img(n));

function plan(overrides: Partial<RetentionInput>) {
  const result = planRetention({
    images: six,
    keep: 3,
    references: new Map(),
    protectedImageIds: [],
    otherSnapshots: new Set(),
    ...overrides,
  });
  return {
    kept: result.kept.map((image) => image.imageId).sort(),
    pruned: result.pruned.map((image) => [image.imageId, image.snapshots, image.sharedSnapshots]),
  };
}

describe('planRetention', () => {
  it.each<[string, Partial<RetentionInput>, string[], [string, string[], string[]][]]>([
    [
      'keeps the newest N',
      {},
      ['ami-4', 'ami-5', 'ami-6'],
      [
        ['ami-3', ['snap-3'], []],
        ['ami-2', ['snap-2'], []],
        ['ami-1', ['snap-1'], []],
      ],
    ],
    [
      'keeps everything when N covers it',
      { keep: 10 },
      ['ami-1', 'ami-2', 'ami-3', 'ami-4', 'ami-5', 'ami-6'],
      [],
    ],
    [
      'keeps an old image a launch template, group or instance uses',
      {
        references: new Map([
          ['ami-1', ['instance i-1 (running)']],
          ['ami-2', ['Auto Scaling group web']],
        ]),
      },
      ['ami-1', 'ami-2', 'ami-4', 'ami-5', 'ami-6'],
      [['ami-3', ['snap-3'], []]],
    ],
    [
      'keeps the image of this run',
      { protectedImageIds: ['ami-1'], keep: 1 },
      ['ami-1', 'ami-6'],
      [
        ['ami-5', ['snap-5'], []],
        ['ami-4', ['snap-4'], []],
        ['ami-3', ['snap-3'], []],
        ['ami-2', ['snap-2'], []],
      ],
    ],
    [
      'does not count pending images among the newest, and never prunes them',
      { images: [...six, img(7, { state: 'pending' })] },
      ['ami-4', 'ami-5', 'ami-6', 'ami-7'],
      [
        ['ami-3', ['snap-3'], []],
        ['ami-2', ['snap-2'], []],
        ['ami-1', ['snap-1'], []],
      ],
    ],
    [
      'leaves snapshots a kept image shares',
      { images: [img(1, { snapshots: ['snap-1', 'snap-6'] }), ...six.slice(1)] },
      ['ami-4', 'ami-5', 'ami-6'],
      [
        ['ami-3', ['snap-3'], []],
        ['ami-2', ['snap-2'], []],
        ['ami-1', ['snap-1'], ['snap-6']],
      ],
    ],
    [
      'leaves snapshots another image of the account uses',
      { otherSnapshots: new Set(['snap-2']) },
      ['ami-4', 'ami-5', 'ami-6'],
      [
        ['ami-3', ['snap-3'], []],
        ['ami-2', [], ['snap-2']],
        ['ami-1', ['snap-1'], []],
      ],
    ],
    [
      'deletes a snapshot two pruned images share once',
      { images: [img(1, { snapshots: ['snap-x'] }), img(2, { snapshots: ['snap-x'] }), ...six.slice(2)] },
      ['ami-4', 'ami-5', 'ami-6'],
      [
        ['ami-3', ['snap-3'], []],
        ['ami-2', ['snap-x'], []],
        ['ami-1', [], []],
      ],
    ],
    [
      "a dry run's would-be build takes a newest slot",
      { reservedSlots: 1 },
      ['ami-5', 'ami-6'],
      [
        ['ami-4', ['snap-4'], []],
        ['ami-3', ['snap-3'], []],
        ['ami-2', ['snap-2'], []],
        ['ami-1', ['snap-1'], []],
      ],
    ],
    [
      'prunes failed images',
      { images: [...six.slice(0, 5), img(6, { state: 'failed' })], keep: 5 },
      ['ami-1', 'ami-2', 'ami-3', 'ami-4', 'ami-5'],
      [['ami-6', ['snap-6'], []]],
    ],
  ])('%s', (_case, overrides, kept, pruned) => {
    expect(plan(overrides)).toEqual({ kept, pruned });
  });

  it('says why each image is kept', () => {
    const result = planRetention({
      images: six,
      keep: 1,
      references: new Map([
        ['ami-6', ['launch template web default (v3)']],
        ['ami-2', ['instance i-9 (stopped)']],
      ]),
      protectedImageIds: ['ami-6'],
      otherSnapshots: new Set(),
    });
    expect(result.kept).toEqual([
      {
        imageId: 'ami-6',
        name: 'ecs-node-20260106',
        reasons: ['built or matched by this run', 'one of the newest 1', 'launch template web default (v3)'],
      },
      { imageId: 'ami-2', name: 'ecs-node-20260102', reasons: ['instance i-9 (stopped)'] },
    ]);
  });
});

describe('newestFirst', () => {
  it('orders by creation date, then name', () => {
    const images = [
      { creationDate: '2026-01-01', name: 'b' },
      { creationDate: '2026-02-01', name: 'a' },
      { creationDate: '2026-01-01', name: 'c' },
    ];
    expect(newestFirst(images).map((image) => image.name)).toEqual(['a', 'c', 'b']);
  });
});
