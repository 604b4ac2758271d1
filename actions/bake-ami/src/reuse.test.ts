import type { CreateTagsRequest, Image } from '@aws-sdk/client-ec2';
import type { Ec2 } from '../../../src/shared/ami/ec2/operations';
import { MemoryLogger } from '../../../src/shared/runtime';
import type { BakeEnvironment } from './bake';
import type { BakeAmiInputs } from './inputs';
import { findReusableImage, type ImageOrigin } from './reuse';

const FP = '0123456789ab'.padEnd(64, 'c');
const NAME = 'ecs-node-20260101-093000-0123456789ab';
const origin: ImageOrigin = {
  fingerprint: FP,
  baseAmi: { imageId: 'ami-base', name: 'al2023-ami-ecs', source: 'ami-base' },
  playbooks: { uri: 's3://cfg/ecs-node/current.json', prefixUri: 's3://cfg/ecs-node', release: 'r-7' },
};
const BLOCKS = [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-1' } }];
/** What a killed run leaves: Packer's image, tagged only as the template tags it. */
const orphan: Image = {
  ImageId: 'ami-orphan',
  Name: NAME,
  State: 'available',
  CreationDate: '2026-01-01T09:41:00.000Z',
  BlockDeviceMappings: BLOCKS,
  Tags: [
    { Key: 'Name', Value: NAME },
    { Key: 'bake-ami:fingerprint', Value: FP },
  ],
};

/** EC2 answering DescribeImages by id from `states` in turn (the last repeats), recording CreateTags. */
function fakeEc2(image: Image, states: Image['State'][] = ['available']) {
  const tagged: CreateTagsRequest[] = [];
  let polls = 0;
  const ec2 = {
    async describeImages() {
      return { Images: [{ ...image, State: states[Math.min(polls++, states.length - 1)] }] };
    },
    async createTags(input: CreateTagsRequest) {
      tagged.push(input);
    },
  } as unknown as Ec2;
  return { ec2, tagged };
}

function environment(ec2: Ec2, logger: MemoryLogger): BakeEnvironment {
  let now = 0;
  return {
    clients: { ec2 } as BakeEnvironment['clients'],
    logger,
    cwd: '/',
    env: { GITHUB_SHA: 'abc123', GITHUB_REPOSITORY: 'example/infra' },
    now: () => new Date('2026-02-01T00:00:00.000Z'),
    clock: { now: () => now, sleep: async (ms) => void (now += ms) },
    output: () => undefined,
  };
}

const inputs = (dryRun = false) => ({ namePrefix: 'ecs-node', dryRun }) as BakeAmiInputs;

describe('findReusableImage', () => {
  it('adopts an image a killed run left: completes the tags on it and its snapshots', async () => {
    const { ec2, tagged } = fakeEc2(orphan);
    const logger = new MemoryLogger();
    const reused = await findReusableImage(inputs(), environment(ec2, logger), origin, [orphan]);
    expect(reused?.adopted).toBe(true);
    expect(tagged).toEqual([
      {
        Resources: ['ami-orphan', 'snap-1'],
        Tags: [
          { Key: 'bake-ami:name-prefix', Value: 'ecs-node' },
          { Key: 'bake-ami:fingerprint', Value: FP },
          { Key: 'bake-ami:base-ami-id', Value: 'ami-base' },
          { Key: 'bake-ami:base-ami-name', Value: 'al2023-ami-ecs' },
          { Key: 'bake-ami:playbooks-release', Value: 'r-7' },
          { Key: 'bake-ami:source-commit', Value: 'abc123' },
          { Key: 'bake-ami:source-repository', Value: 'example/infra' },
          // The build time of the killed run, from the name it gave the image.
          { Key: 'bake-ami:build-time', Value: '2026-01-01T09:30:00.000Z' },
        ],
      },
    ]);
    expect(reused?.image.Tags).toContainEqual({ Key: 'Name', Value: NAME });
    expect(reused?.image.Tags).toContainEqual({ Key: 'bake-ami:name-prefix', Value: 'ecs-node' });
    expect(logger.lines.join('\n')).toContain(`Adopted ami-orphan (${NAME}) from an interrupted run`);
  });

  it('reuses a completely tagged image without writing', async () => {
    const complete = {
      ...orphan,
      Tags: [
        ...orphan.Tags!,
        { Key: 'bake-ami:name-prefix', Value: 'ecs-node' },
        { Key: 'bake-ami:build-time', Value: '2026-01-01T09:30:00.000Z' },
      ],
    };
    const { ec2, tagged } = fakeEc2(complete);
    const reused = await findReusableImage(inputs(), environment(ec2, new MemoryLogger()), origin, [
      complete,
    ]);
    expect(reused).toEqual({ image: complete, adopted: false });
    expect(tagged).toEqual([]);
  });

  it('in a dry run, reports the adoption and writes nothing', async () => {
    const { ec2, tagged } = fakeEc2(orphan);
    const logger = new MemoryLogger();
    const reused = await findReusableImage(inputs(true), environment(ec2, logger), origin, [orphan]);
    expect(reused).toEqual({ image: orphan, adopted: true });
    expect(tagged).toEqual([]);
    expect(logger.lines.join('\n')).toContain('a run would add them');
  });

  it('waits for a pending image, then adopts it', async () => {
    const pending = { ...orphan, State: 'pending' as const, Tags: [] };
    const { ec2, tagged } = fakeEc2(pending, ['pending', 'pending', 'available']);
    const logger = new MemoryLogger();
    const reused = await findReusableImage(inputs(), environment(ec2, logger), origin, [pending]);
    expect(reused?.image).toMatchObject({ ImageId: 'ami-orphan', State: 'available' });
    expect(tagged.map((call) => call.Resources)).toEqual([['ami-orphan', 'snap-1']]);
    expect(logger.lines.join('\n')).toContain('is still pending');
  });

  it('builds when the pending image fails', async () => {
    const pending = { ...orphan, State: 'pending' as const };
    const { ec2, tagged } = fakeEc2(pending, ['pending', 'failed']);
    const logger = new MemoryLogger();
    expect(await findReusableImage(inputs(), environment(ec2, logger), origin, [pending])).toBeUndefined();
    expect(tagged).toEqual([]);
    expect(logger.lines).toContain(
      'warning: Not reusing ami-orphan: ami-orphan ended failed. Building a new image.',
    );
  });

  it('fails clearly when the pending image stays pending past the limit', async () => {
    const pending = { ...orphan, State: 'pending' as const };
    const { ec2 } = fakeEc2(pending, ['pending']);
    await expect(
      findReusableImage(inputs(), environment(ec2, new MemoryLogger()), origin, [pending]),
    ).rejects.toThrow(
      new RegExp(
        `^Timed out after 30m waiting for image ami-orphan \\(${NAME}\\) to become available; .*: re-run once it is available, or deregister it to bake a new image$`,
      ),
    );
  });

  it('finds nothing without an image of this fingerprint', async () => {
    const other = { ...orphan, Tags: [{ Key: 'bake-ami:fingerprint', Value: 'f'.repeat(64) }] };
    const { ec2 } = fakeEc2(other);
    expect(
      await findReusableImage(inputs(), environment(ec2, new MemoryLogger()), origin, [other]),
    ).toBeUndefined();
  });
});
