import type { BakeResult } from './bake';
import { renderSummary } from './summary';

const base: BakeResult = {
  dryRun: false,
  baseAmi: {
    imageId: 'ami-base',
    name: 'al2023-ami-ecs-hvm-2023.0.20260226-kernel-6.1-x86_64',
    source: 'ssm:/aws/service/ecs/x',
  },
  playbooks: { uri: 's3://cfg/ecs-node/current.json', prefixUri: 's3://cfg/ecs-node', release: 'r-42' },
  template: {
    path: 'ecs-node/packer',
    dir: 'ecs-node/packer',
    configText: '',
    files: [{ path: 'a', sha256: 'b' }],
  },
  fingerprint: 'f'.repeat(64),
  image: {
    id: 'ami-new',
    name: 'ecs-node-20260101-000000-ffffffffffff',
    skipped: false,
    adopted: false,
    buildMs: 412_000,
  },
  copies: [{ region: 'eu-west-1', imageId: 'ami-copy', existing: false }],
  launchTemplates: [
    { id: 'lt-1', name: 'web', fromVersion: 3, version: 6, imageId: 'ami-new', created: true },
  ],
  refreshes: [
    {
      group: 'web-asg',
      id: 'ir-1',
      status: 'Successful',
      plan: {
        group: 'web-asg',
        launchTemplateId: 'lt-1',
        launchTemplateName: 'web',
        currentVersion: '$Default',
        targetVersion: 6,
        needed: true,
        desiredConfiguration: {},
      },
    },
  ],
  prune: {
    kept: [{ imageId: 'ami-new', name: 'ecs-node-new', reasons: ['built or matched by this run'] }],
    pruned: [
      {
        imageId: 'ami-old',
        name: 'ecs-node-old',
        creationDate: '2025-01-01',
        snapshots: ['snap-1'],
        sharedSnapshots: ['snap-2'],
      },
    ],
  },
  pruned: ['ami-old'],
};

describe('renderSummary', () => {
  it('a build with rollout and prune', () => {
    expect(renderSummary(base)).toMatchSnapshot();
  });

  it('a skipped build', () => {
    expect(
      renderSummary({
        ...base,
        image: { ...base.image, skipped: true },
        copies: [],
        launchTemplates: [],
        refreshes: [],
        prune: { kept: [], pruned: [] },
        pruned: [],
      }),
    ).toMatchSnapshot();
  });

  it.each([
    ['completed its tags', false, "this run completed bake-ami's tags"],
    ['would wait and tag in a dry run', true, 'a run would wait for it and complete its tags'],
  ])('an image adopted from an interrupted run: %s', (_case, dryRun, says) => {
    const text = renderSummary({
      ...base,
      dryRun,
      image: { ...base.image, skipped: true, adopted: true, buildMs: undefined },
    });
    expect(text.split('\n')[0]).toBe(
      `♻️ Reused \`ami-new\` (\`ecs-node-20260101-000000-ffffffffffff\`): an interrupted run built it with this fingerprint; ${says}, Packer did not run.`,
    );
  });

  it('a dry run', () => {
    expect(
      renderSummary({
        ...base,
        dryRun: true,
        image: { name: 'ecs-node-20260101-000000-ffffffffffff', skipped: false, adopted: false },
        copies: [{ region: 'eu-west-1', existing: false }],
        launchTemplates: [{ ...base.launchTemplates[0], imageId: '(new image)' }],
        refreshes: [{ ...base.refreshes[0], id: undefined, status: undefined }],
        pruned: [],
      }),
    ).toMatchSnapshot();
  });
});
