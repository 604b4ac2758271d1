import { planLaunchTemplateChange, type LaunchTemplateState } from './launch-templates';
import { parseS3Uri, releaseFingerprintPart } from './playbooks-release';
import { launchTemplateReferences } from './prune';
import { buildTags } from './tags';
import { InputError } from '../runtime/errors';

const state: LaunchTemplateState = {
  ref: 'web',
  id: 'lt-1',
  name: 'web',
  defaultVersion: 3,
  latestVersion: 5,
  defaultImageId: 'ami-3',
  latestImageId: 'ami-5',
};

describe('planLaunchTemplateChange', () => {
  it.each([
    ['a new image: the version after the latest', 'ami-9', { fromVersion: 3, version: 6, created: true }],
    ['the default already uses it: nothing', 'ami-3', { fromVersion: 3, version: 3, created: false }],
    ['only the latest uses it: still a new default', 'ami-5', { fromVersion: 3, version: 6, created: true }],
  ])('%s', (_case, imageId, expected) => {
    expect(planLaunchTemplateChange(state, imageId)).toEqual({
      id: 'lt-1',
      name: 'web',
      imageId,
      ...expected,
    });
  });
});

describe('launchTemplateReferences', () => {
  it.each([
    [
      'unchanged: default and latest images are in use',
      { created: false, version: 3, imageId: 'ami-3', fromVersion: 3 },
      [
        ['ami-3', ['launch template web default (v3)']],
        ['ami-5', ['launch template web latest (v5)']],
      ],
    ],
    [
      'changed: the new version is both default and latest',
      { created: true, version: 6, imageId: 'ami-9', fromVersion: 3 },
      [['ami-9', ['launch template web default and latest (v6)']]],
    ],
  ])('%s', (_case, change, expected) => {
    expect([...launchTemplateReferences([state], [{ id: 'lt-1', name: 'web', ...change }])]).toEqual(
      expected,
    );
  });
});

describe('parseS3Uri', () => {
  it.each([
    ['s3://node-config/ecs-node/current.json', { bucket: 'node-config', key: 'ecs-node/current.json' }],
    ['s3://my.bucket-1/current.json', { bucket: 'my.bucket-1', key: 'current.json' }],
  ])('%s', (uri, expected) => {
    expect(parseS3Uri(uri)).toEqual(expected);
  });

  it.each([
    'node-config/current.json',
    's3://node-config',
    's3://node-config/',
    's3://Bad_Bucket/x',
    'https://x/y',
    's3://b/prefix/',
  ])('rejects %j naming the input', (uri) => {
    expect(() => parseS3Uri(uri)).toThrow(InputError);
    expect(() => parseS3Uri(uri)).toThrow("Input 'playbooks-pointer' is not an S3 object URI");
  });

  it('fingerprints the release with its manifest hash', () => {
    expect(
      releaseFingerprintPart({
        uri: 's3://b/p/current.json',
        prefixUri: 's3://b/p',
        release: 'r1',
        manifestSha256: 'abc',
      }),
    ).toBe('r1@abc');
  });
});

describe('buildTags', () => {
  it('tags with every known fact and leaves out the unknown ones', () => {
    expect(
      buildTags({
        namePrefix: 'ecs-node',
        fingerprint: 'f'.repeat(64),
        baseAmiId: 'ami-1',
        baseAmiName: 'al2023-ami-ecs-hvm-2023.0.20260226-kernel-6.1-x86_64',
        sourceCommit: 'abc123',
        sourceRepository: '',
        buildTime: new Date('2026-11-26T03:51:45Z'),
      }),
    ).toEqual([
      { Key: 'bake-ami:name-prefix', Value: 'ecs-node' },
      { Key: 'bake-ami:fingerprint', Value: 'f'.repeat(64) },
      { Key: 'bake-ami:base-ami-id', Value: 'ami-1' },
      { Key: 'bake-ami:base-ami-name', Value: 'al2023-ami-ecs-hvm-2023.0.20260226-kernel-6.1-x86_64' },
      { Key: 'bake-ami:source-commit', Value: 'abc123' },
      { Key: 'bake-ami:build-time', Value: '2026-11-26T03:51:45.000Z' },
    ]);
  });

  it('cuts values to the 256 characters EC2 allows', () => {
    const tags = buildTags({
      namePrefix: 'p',
      fingerprint: 'f',
      baseAmiId: 'a',
      baseAmiName: 'n'.repeat(300),
      buildTime: new Date(0),
    });
    expect(tags.find((tag) => tag.Key === 'bake-ami:base-ami-name')!.Value).toHaveLength(256);
  });
});
