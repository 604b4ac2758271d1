/**
 * actions/bake-ami, the committed bundle, against the emulator: base image from SSM and from a
 * name filter, a real Packer build of the emulator variant of the node template, the
 * fingerprint skip (Packer provably not run), launch template versions and instance refresh,
 * prune rules, dry-run and bad inputs.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RunInstancesCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import { ROOT } from '../support/emulator';
import { debianPacker } from '../support/packer';

const env = emulatorEnv();
Object.assign(process.env, env);
const factory = new ClientFactory({ action: 'e2e', region: 'us-east-1', env });
const ec2 = factory.create(EC2Client, 'EC2');
const autoscaling = factory.create(AutoScalingClient, 'AUTO_SCALING');
const TEMPLATE = path.join(ROOT, 'ecs-node', 'packer', 'test');
const BASE = 'ami-0aae19d30bab785d3'; // moto's al2023 ECS-optimized image, also its SSM "recommended" value
const GITHUB_SHA = '0123456789abcdef0123456789abcdef01234567';
const packer = debianPacker();
if (!packer.ok) process.stderr.write(`[bake-ami e2e] skipping the real Packer build: ${packer.reason}\n`);
const withPacker = packer.ok ? it : it.skip;

/** A temp workspace holding a `packer` stand-in that records each call and fails. */
function workspace(): { dir: string; packer: string; calls: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bake-ami-e2e-'));
  const calls = path.join(dir, 'packer-calls');
  const script = path.join(dir, 'recording-packer');
  writeFileSync(
    script,
    `#!/bin/sh\necho "$@" >> '${calls}'\necho 'recording-packer: not a real Packer' >&2\nexit 3\n`,
  );
  chmodSync(script, 0o755);
  return { dir, packer: script, calls };
}

function bake(dir: string, inputs: Record<string, string | undefined>): Promise<ActionRun> {
  return runAction('bake-ami', {
    workspace: dir,
    env,
    inputs: { template: TEMPLATE, vars: `ec2_endpoint=${env.AWS_ENDPOINT_URL}`, ...inputs },
  });
}

async function images(filters: { Name: string; Values: string[] }[]): Promise<Image[]> {
  return (await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }))).Images ?? [];
}

const tag = (image: Image | undefined, key: string) => image?.Tags?.find((entry) => entry.Key === key)?.Value;

/** An image as a previous bake would have left it (tagged with prefix and fingerprint). */
async function bakedImage(
  name: string,
  tags: Record<string, string>,
): Promise<{ imageId: string; snapshot: string }> {
  const run = await ec2.send(new RunInstancesCommand({ ImageId: BASE, MinCount: 1, MaxCount: 1 }));
  const created = await ec2.send(
    new CreateImageCommand({ InstanceId: run.Instances![0].InstanceId!, Name: name }),
  );
  await ec2.send(
    new CreateTagsCommand({
      Resources: [created.ImageId!],
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [created.ImageId!] }))).Images![0];
  return { imageId: created.ImageId!, snapshot: image.BlockDeviceMappings![0].Ebs!.SnapshotId! };
}

/** The fingerprint the action computes for these inputs, from a dry run. */
async function fingerprintOf(inputs: Record<string, string>): Promise<string> {
  const { dir } = workspace();
  const run = await bake(dir, { ...inputs, 'dry-run': 'true' });
  expect(run.exitCode).toBe(0);
  return run.outputs.fingerprint;
}

async function launchTemplate(name: string, imageId: string): Promise<string> {
  const created = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.small' },
    }),
  );
  return created.LaunchTemplate!.LaunchTemplateId!;
}

async function defaultVersion(name: string): Promise<{ version: number; imageId?: string; latest: number }> {
  const template = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })))
    .LaunchTemplates![0];
  const version = (
    await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: name, Versions: ['$Default'] }),
    )
  ).LaunchTemplateVersions![0];
  return {
    version: template.DefaultVersionNumber!,
    latest: template.LatestVersionNumber!,
    imageId: version.LaunchTemplateData?.ImageId,
  };
}

describe('base image', () => {
  it('comes from the SSM parameter by default', async () => {
    const { dir, packer: recording, calls } = workspace();
    // No template input: the template shipped with the action, found beside the bundle.
    const run = await bake(dir, {
      'dry-run': 'true',
      packer: recording,
      template: undefined,
      vars: undefined,
    });
    const parameter = await factory.create(SSMClient, 'SSM').send(
      new GetParameterCommand({
        Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      }),
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs['base-ami-id']).toBe(parameter.Parameter!.Value);
    expect(run.outputs['base-ami-id']).toBe(BASE);
    expect(run.summary).toContain('Dry run: would build');
    expect(run.summary).toMatch(
      new RegExp(`\\| Template \\| \`${path.join(ROOT, 'ecs-node', 'packer')}\` \\(\\d+ files\\) \\|`),
    );
    expect(existsSync(calls)).toBe(false);
  });

  it('comes from a name filter: the newest Amazon image that matches', async () => {
    const { dir } = workspace();
    const run = await bake(dir, {
      'dry-run': 'true',
      'base-ami': 'filter:al2023-ami-ecs-hvm-*-kernel-6.1-arm64',
    });
    const all = (
      await ec2.send(
        new DescribeImagesCommand({
          Owners: ['amazon'],
          Filters: [{ Name: 'name', Values: ['al2023-ami-ecs-hvm-*-kernel-6.1-arm64'] }],
        }),
      )
    ).Images!;
    const newest = all.sort((a, b) => (a.Name! < b.Name! ? 1 : -1))[0];
    expect(all.length).toBeGreaterThan(3);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['base-ami-id']).toBe(newest.ImageId);
    expect(run.summary).toContain(`${newest.Name}`);
  });

  it.each([
    ['filter:no-such-image-*', "No available image owned by amazon is named like 'no-such-image-*'"],
    ['ssm:/no/such/parameter', 'Could not read SSM parameter /no/such/parameter: ParameterNotFound'],
    ['ami-0123456789abcdef0', 'ami-0123456789abcdef0'],
  ])('fails clearly when %s finds nothing', async (baseAmi, message) => {
    const { dir, packer: recording, calls } = workspace();
    const run = await bake(dir, { 'base-ami': baseAmi, packer: recording });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(message);
    expect(existsSync(calls)).toBe(false);
  });
});

describe('a real Packer build', () => {
  withPacker(
    'builds the emulator variant, tags image and snapshots, then skips the next run',
    async () => {
      const s3 = factory.create(S3Client, 'S3');
      await s3.send(new CreateBucketCommand({ Bucket: 'node-config' }));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'node-config',
          Key: 'ecs-node/current.json',
          Body: JSON.stringify({
            release: 'r-0042',
            manifest: 'ecs-node/releases/r-0042.json',
            sha256: 'a'.repeat(64),
          }),
        }),
      );
      const { dir } = workspace();
      // A manifest left by an earlier run: only this run's build may be taken from it.
      writeFileSync(
        path.join(dir, 'packer-manifest.json'),
        JSON.stringify({
          builds: [{ name: 'node', artifact_id: 'us-east-1:ami-0000000000000dead', packer_run_uuid: 'old' }],
          last_run_uuid: 'old',
        }),
      );
      const inputs = {
        packer: packer.ok ? packer.packer : 'packer',
        'playbooks-pointer': 's3://node-config/ecs-node/current.json',
      };
      const run = await bake(dir, inputs);
      expect({ exitCode: run.exitCode, errors: run.annotations }).toEqual({ exitCode: 0, errors: [] });
      const amiId = run.outputs['ami-id'];
      expect(amiId).toMatch(/^ami-[0-9a-f]+$/);
      expect(run.outputs).toMatchObject({ skipped: 'false', 'base-ami-id': BASE, pruned: '[]' });
      expect(run.outputs['ami-name']).toMatch(
        new RegExp(`^ecs-node-\\d{8}-\\d{6}-${run.outputs.fingerprint.slice(0, 12)}$`),
      );
      expect(run.log).toContain('::group::packer build');

      const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [amiId] }))).Images![0];
      expect(image.Name).toBe(run.outputs['ami-name']);
      expect(
        Object.fromEntries(
          image.Tags!.filter((t) => t.Key!.startsWith('bake-ami:')).map((t) => [t.Key, t.Value]),
        ),
      ).toEqual({
        'bake-ami:name-prefix': 'ecs-node',
        'bake-ami:fingerprint': run.outputs.fingerprint,
        'bake-ami:base-ami-id': BASE,
        'bake-ami:base-ami-name': 'al2023-ami-ecs-hvm-2023.0.20260226-kernel-6.1-x86_64',
        'bake-ami:playbooks-release': 'r-0042',
        'bake-ami:source-commit': GITHUB_SHA,
        'bake-ami:source-repository': 'example/app',
        'bake-ami:build-time': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const snapshotIds = image.BlockDeviceMappings!.map((mapping) => mapping.Ebs!.SnapshotId!);
      const snapshots = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds })))
        .Snapshots!;
      expect(snapshots.map((snapshot) => tag(snapshot as Image, 'bake-ami:fingerprint'))).toEqual(
        snapshotIds.map(() => run.outputs.fingerprint),
      );
      // What the template's shell-local step saw: the variables bake-ami passed.
      expect(readFileSync(path.join(dir, 'packer-evidence.txt'), 'utf8')).toBe(
        [
          `base_ami=${BASE}`,
          `ami_name=${run.outputs['ami-name']}`,
          `fingerprint=${run.outputs.fingerprint}`,
          'playbooks_pointer=s3://node-config/ecs-node/current.json',
          'scripts=install-ansible.sh install-ecs-node-sync.sh prepare-for-capture.sh ',
          '',
        ].join('\n'),
      );

      // Same inputs again: the fingerprint matches, Packer is not run.
      const { dir: again, packer: recording, calls } = workspace();
      const second = await bake(again, { ...inputs, packer: recording });
      expect(second.exitCode).toBe(0);
      expect(second.outputs).toMatchObject({
        skipped: 'true',
        'ami-id': amiId,
        fingerprint: run.outputs.fingerprint,
      });
      expect(existsSync(calls)).toBe(false);

      // A new playbook release changes the fingerprint: a build is due (and the stand-in fails it).
      await s3.send(
        new PutObjectCommand({
          Bucket: 'node-config',
          Key: 'ecs-node/current.json',
          Body: JSON.stringify({
            release: 'r-0043',
            manifest: 'ecs-node/releases/r-0043.json',
            sha256: 'b'.repeat(64),
          }),
        }),
      );
      const third = await bake(again, { ...inputs, packer: recording });
      expect(third.exitCode).toBe(1);
      expect(third.outputs.fingerprint).not.toBe(run.outputs.fingerprint);
      expect(readFileSync(calls, 'utf8')).toMatch(/^build -machine-readable -color=false -var base_ami=/);
      expect(third.annotations[0]).toMatchObject({ title: 'Packer build failed' });
      expect(third.summary).toContain('recording-packer: not a real Packer');
    },
    110_000,
  );
});

// Its own name prefix, so the images of the real Packer build above are not candidates here.
describe('fingerprint skip, rollout and prune (Packer never runs)', () => {
  let fingerprint: string;
  let current: { imageId: string; snapshot: string };
  const prefixTags = (fp: string) => ({ 'bake-ami:name-prefix': 'fleet', 'bake-ami:fingerprint': fp });

  beforeAll(async () => {
    fingerprint = await fingerprintOf({ 'name-prefix': 'fleet' });
    current = await bakedImage('fleet-20241231-000000-current', prefixTags(fingerprint));
  });

  it('reuses the image with the same fingerprint and makes it the launch template default', async () => {
    await launchTemplate('web-nodes', BASE);
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'web-asg',
        LaunchTemplate: { LaunchTemplateName: 'web-nodes', Version: '$Default' },
        MinSize: 2,
        MaxSize: 4,
        DesiredCapacity: 2,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    const { dir, packer: recording, calls } = workspace();
    const run = await bake(dir, {
      packer: recording,
      'name-prefix': 'fleet',
      'launch-templates': 'web-nodes',
      'auto-scaling-groups': 'web-asg',
      'min-healthy-percent': '75',
      'wait-for-refresh': 'true',
      'share-with': '111122223333',
      'copy-to-regions': 'eu-west-1',
    });
    expect({ exitCode: run.exitCode, errors: run.annotations }).toEqual({ exitCode: 0, errors: [] });
    expect(existsSync(calls)).toBe(false);
    expect(run.outputs).toMatchObject({ skipped: 'true', 'ami-id': current.imageId, fingerprint });
    const templateId = (
      await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['web-nodes'] }))
    ).LaunchTemplates![0].LaunchTemplateId;
    expect(JSON.parse(run.outputs['launch-template-versions'])).toEqual([
      { id: templateId, name: 'web-nodes', version: 2, created: true },
    ]);
    expect(await defaultVersion('web-nodes')).toEqual({ version: 2, latest: 2, imageId: current.imageId });

    const refreshIds = JSON.parse(run.outputs['instance-refresh-ids']) as Record<string, string>;
    expect(Object.keys(refreshIds)).toEqual(['web-asg']);
    const refresh = (
      await autoscaling.send(
        new DescribeInstanceRefreshesCommand({
          AutoScalingGroupName: 'web-asg',
          InstanceRefreshIds: [refreshIds['web-asg']],
        }),
      )
    ).InstanceRefreshes![0];
    expect(refresh).toMatchObject({
      Status: 'Successful',
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: templateId, Version: '2' } },
      Preferences: { MinHealthyPercentage: 75, SkipMatching: true, AutoRollback: true },
    });
    const group = (
      await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-asg'] }))
    ).AutoScalingGroups![0];
    expect(group.LaunchTemplate?.Version).toBe('2');
    expect(run.summary).toContain('Reused');

    // Shared with the account, and copied (with its tags) to the other region.
    const permissions = await ec2.send(
      new DescribeImageAttributeCommand({ ImageId: current.imageId, Attribute: 'launchPermission' }),
    );
    expect(permissions.LaunchPermissions).toEqual([{ UserId: '111122223333' }]);
    const copied = JSON.parse(run.outputs['copied-amis']) as Record<string, string>;
    const euWest = new ClientFactory({ action: 'e2e', region: 'eu-west-1', env }).create(EC2Client, 'EC2');
    const copy = (await euWest.send(new DescribeImagesCommand({ ImageIds: [copied['eu-west-1']] })))
      .Images![0];
    expect(tag(copy, 'bake-ami:fingerprint')).toBe(fingerprint);
    expect(tag(copy, 'bake-ami:name-prefix')).toBe('fleet');

    // Nothing changed since: no new version, no refresh.
    const again = await bake(dir, {
      packer: recording,
      'name-prefix': 'fleet',
      'launch-templates': 'web-nodes',
      'auto-scaling-groups': 'web-asg',
    });
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.outputs['launch-template-versions'])).toEqual([
      { id: templateId, name: 'web-nodes', version: 2, created: false },
    ]);
    expect(again.outputs['instance-refresh-ids']).toBe('{}');
    expect(await defaultVersion('web-nodes')).toMatchObject({ version: 2, latest: 2 });
  });

  it('prunes old images nothing uses, keeps the ones in use, and deletes their snapshots', async () => {
    const old = async (n: number) => bakedImage(`fleet-2025010${n}-000000-old${n}`, prefixTags(`old-${n}`));
    const [a1, a2, a3, a4, a5, a6] = [
      await old(1),
      await old(2),
      await old(3),
      await old(4),
      await old(5),
      await old(6),
    ];
    const otherPrefix = await bakedImage('fleet-gpu-20240101-000000-x', {
      'bake-ami:name-prefix': 'fleet-gpu',
    });
    const untagged = await bakedImage('fleet-20240101-000000-manual', {});
    // a1 runs on an instance; a2 is the default of a listed launch template; a3 is what a group runs.
    await ec2.send(new RunInstancesCommand({ ImageId: a1.imageId, MinCount: 1, MaxCount: 1 }));
    await launchTemplate('api-nodes', a2.imageId);
    await launchTemplate('batch-nodes', a3.imageId);
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'batch-asg',
        LaunchTemplate: { LaunchTemplateName: 'batch-nodes', Version: '1' },
        MinSize: 0,
        MaxSize: 1,
        DesiredCapacity: 0,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    const { dir, packer: recording } = workspace();
    const apiId = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['api-nodes'] })))
      .LaunchTemplates![0].LaunchTemplateId!;

    // A dry run lists what would go and deletes nothing.
    const dry = await bake(dir, { packer: recording, 'name-prefix': 'fleet', keep: '2', 'dry-run': 'true' });
    expect(dry.exitCode).toBe(0);
    expect(dry.outputs.pruned).toBe('[]');
    for (const id of [a2.imageId, a4.imageId]) expect(dry.summary).toContain(id);
    expect(dry.summary).not.toContain(`| \`${a5.imageId}\` | fleet-20250105-000000-old5 | 2`);
    expect(dry.summary).toContain('would deregister');
    expect((await images([{ Name: 'name', Values: ['fleet-*'] }])).length).toBe(9);

    const run = await bake(dir, {
      packer: recording,
      'name-prefix': 'fleet',
      keep: '2',
      'launch-templates': apiId,
    });
    expect({ exitCode: run.exitCode, errors: run.annotations }).toEqual({ exitCode: 0, errors: [] });
    // Kept: this run's image (matched by fingerprint), a6 and a5 (the newest 2), a1 (an
    // instance runs it), a3 (a group's launch template version). a2 was the listed launch
    // template's default until this run made the current image its default and latest, so
    // nothing refers to it any more. Pruned: a2 and a4, and with them their snapshots.
    expect(JSON.parse(run.outputs.pruned).sort()).toEqual([a2.imageId, a4.imageId].sort());
    const left = (await images([{ Name: 'name', Values: ['fleet-*'] }])).map((image) => image.ImageId).sort();
    expect(left).toEqual(
      [
        current.imageId,
        a1.imageId,
        a3.imageId,
        a5.imageId,
        a6.imageId,
        otherPrefix.imageId,
        untagged.imageId,
      ].sort(),
    );
    const snapshots = (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots!.map(
      (s) => s.SnapshotId,
    );
    for (const gone of [a2, a4]) expect(snapshots).not.toContain(gone.snapshot);
    for (const kept of [current, a1, a3, a5, a6, otherPrefix, untagged])
      expect(snapshots).toContain(kept.snapshot);
    expect(run.summary).toMatch(/instance i-[0-9a-f]+ \(running\)/);
    expect(run.summary).toContain('Auto Scaling group batch-asg (launch template batch-nodes 1)');
  });
});

describe('dry-run', () => {
  it('plans a build, a launch template version and a refresh, and writes nothing', async () => {
    await launchTemplate('dry-nodes', BASE);
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'dry-asg',
        LaunchTemplate: { LaunchTemplateName: 'dry-nodes' },
        MinSize: 1,
        MaxSize: 1,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
    const before = await images([]);
    const { dir, packer: recording, calls } = workspace();
    const run = await bake(dir, {
      packer: recording,
      'dry-run': 'true',
      'name-prefix': 'dry-nodes',
      'launch-templates': 'dry-nodes',
      'auto-scaling-groups': 'dry-asg',
      'share-with': '111122223333',
      'copy-to-regions': 'eu-west-1',
    });
    expect({ exitCode: run.exitCode, errors: run.annotations }).toEqual({ exitCode: 0, errors: [] });
    expect(run.outputs['ami-id']).toBeUndefined();
    expect(run.outputs.skipped).toBe('false');
    expect(existsSync(calls)).toBe(false);
    expect(run.summary).toContain('would create');
    expect(run.summary).toContain('would start');
    expect(run.summary).toContain('(would copy)');
    expect(await images([])).toHaveLength(before.length);
    expect(await defaultVersion('dry-nodes')).toEqual({ version: 1, latest: 1, imageId: BASE });
    expect(
      (await autoscaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'dry-asg' })))
        .InstanceRefreshes,
    ).toEqual([]);
    const copies = await new ClientFactory({ action: 'e2e', region: 'eu-west-1', env })
      .create(EC2Client, 'EC2')
      .send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: 'tag:bake-ami:name-prefix', Values: ['dry-nodes'] }],
        }),
      );
    expect(copies.Images).toEqual([]);
  });
});

describe('bad inputs', () => {
  it.each([
    ['base-ami', { 'base-ami': 'newest' }],
    ['name-prefix', { 'name-prefix': 'ecs:node' }],
    ['vars', { vars: 'fingerprint=forged' }],
    ['keep', { keep: '-1' }],
    ['template', { template: 'does/not/exist' }],
    ['playbooks-pointer', { 'playbooks-pointer': 'node-config/current.json' }],
    ['auto-scaling-groups', { 'auto-scaling-groups': 'web-asg' }],
    ['share-with', { 'share-with': 'everyone' }],
    ['copy-to-regions', { 'copy-to-regions': 'us-east-1' }],
    ['min-healthy-percent', { 'min-healthy-percent': '150' }],
  ])('%s: a red step naming the input, before any AWS call', async (input, values) => {
    const { dir, packer: recording, calls } = workspace();
    const run = await bake(dir, { packer: recording, ...values });
    expect(run.exitCode).toBe(1);
    expect(run.annotations).toEqual([
      expect.objectContaining({ level: 'error', title: `Invalid input: ${input}` }),
    ]);
    expect(run.annotations[0].message).toContain(`Input '${input}'`);
    expect(run.summary).toContain('Bake AMI failed');
    expect(run.log).not.toMatch(/request id/);
    expect(existsSync(calls)).toBe(false);
  });

  it.each([
    [
      'a launch template that does not exist',
      { 'launch-templates': 'nope-nodes' },
      'Could not describe launch template nope-nodes',
    ],
    [
      'a group launching from an unlisted template',
      { 'launch-templates': 'lt-only', 'auto-scaling-groups': 'stray-asg' },
      'launches from launch template stray-nodes, which is not in launch-templates',
    ],
    [
      'a group that does not exist',
      { 'launch-templates': 'lt-only', 'auto-scaling-groups': 'ghost-asg' },
      'Auto Scaling group not found: ghost-asg',
    ],
  ])('%s fails before Packer runs', async (_case, values, message) => {
    if (values['launch-templates'] === 'lt-only') {
      await launchTemplate('lt-only', BASE).catch(() => undefined);
      await launchTemplate('stray-nodes', BASE).catch(() => undefined);
      await autoscaling
        .send(
          new CreateAutoScalingGroupCommand({
            AutoScalingGroupName: 'stray-asg',
            LaunchTemplate: { LaunchTemplateName: 'stray-nodes' },
            MinSize: 0,
            MaxSize: 1,
            AvailabilityZones: ['us-east-1a'],
          }),
        )
        .catch(() => undefined);
    }
    const { dir, packer: recording, calls } = workspace();
    const run = await bake(dir, { packer: recording, 'name-prefix': 'unbuilt', ...values });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(message);
    expect(existsSync(calls)).toBe(false);
  });
});
