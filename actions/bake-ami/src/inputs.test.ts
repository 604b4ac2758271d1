import path from 'node:path';
import { InputError, Inputs } from '../../../src/shared/runtime';
import { BUNDLED_TEMPLATE, parseInputs } from './inputs';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const parse = (values: Record<string, string>) => parseInputs(new Inputs((name) => values[name]), ROOT);

beforeEach(() => {
  process.env.AWS_REGION = 'us-east-1';
});

describe('parseInputs', () => {
  it('has working defaults', () => {
    expect(parse({})).toEqual({
      template: BUNDLED_TEMPLATE,
      packer: 'packer',
      baseAmi: {
        kind: 'ssm',
        parameter: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      },
      baseAmiText: 'ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      namePrefix: 'ecs-node',
      vars: {},
      playbooksPointer: undefined,
      skipIfUnchanged: true,
      keep: 5,
      launchTemplates: [],
      autoScalingGroups: [],
      minHealthyPercent: 90,
      waitForRefresh: false,
      refreshTimeout: 3_600_000,
      shareWith: [],
      copyToRegions: [],
      dryRun: false,
      region: 'us-east-1',
    });
    expect(BUNDLED_TEMPLATE).toBe(path.join(ROOT, 'ecs-node', 'packer'));
  });

  it('reads every input', () => {
    const parsed = parse({
      template: 'ecs-node/packer/test',
      'base-ami': 'filter:al2023-ami-ecs-hvm-*',
      vars: 'instance_type=t3.large\nsubnet_id=subnet-1',
      'playbooks-pointer': 's3://cfg/ecs-node/current.json',
      'launch-templates': 'web, lt-0abc',
      'auto-scaling-groups': 'web-asg\napi-asg',
      'share-with': '111122223333,444455556666',
      'copy-to-regions': 'eu-west-1',
      keep: '2',
      'min-healthy-percent': '100',
      'wait-for-refresh': 'true',
      'refresh-timeout': '2h',
      'dry-run': 'yes',
    });
    expect(parsed).toMatchObject({
      template: path.join(ROOT, 'ecs-node/packer/test'),
      baseAmi: { kind: 'filter', namePattern: 'al2023-ami-ecs-hvm-*' },
      vars: { instance_type: 't3.large', subnet_id: 'subnet-1' },
      launchTemplates: ['web', 'lt-0abc'],
      autoScalingGroups: ['web-asg', 'api-asg'],
      shareWith: ['111122223333', '444455556666'],
      copyToRegions: ['eu-west-1'],
      keep: 2,
      minHealthyPercent: 100,
      waitForRefresh: true,
      refreshTimeout: 7_200_000,
      dryRun: true,
    });
  });

  it.each([
    ['base-ami', { 'base-ami': 'latest-ecs' }, "'latest-ecs'"],
    ['template', { template: 'no/such/dir' }, 'does not exist'],
    ['packer', { packer: './bin/no-packer' }, 'does not exist'],
    ['name-prefix', { 'name-prefix': 'ecs*' }, 'cannot contain'],
    ['vars', { vars: 'not a pair' }, 'not KEY=value'],
    ['vars', { vars: 'ami_name=mine' }, 'ami_name, which the action passes'],
    ['playbooks-pointer', { 'playbooks-pointer': 'bucket/current.json' }, 'not an S3 object URI'],
    ['keep', { keep: '0' }, 'at least 1'],
    ['keep', { keep: 'all' }, 'whole number'],
    ['launch-templates', { 'launch-templates': 'a' }, 'invalid launch template'],
    ['auto-scaling-groups', { 'auto-scaling-groups': 'web-asg' }, 'needs launch-templates'],
    ['min-healthy-percent', { 'min-healthy-percent': '101' }, 'at most 100'],
    ['wait-for-refresh', { 'wait-for-refresh': 'maybe' }, 'true or false'],
    ['refresh-timeout', { 'refresh-timeout': 'soon' }, 'not a duration'],
    ['share-with', { 'share-with': '1234' }, 'invalid account id'],
    ['copy-to-regions', { 'copy-to-regions': 'mars-1' }, 'invalid region'],
    ['copy-to-regions', { 'copy-to-regions': 'us-east-1' }, 'includes the build region'],
    ['skip-if-unchanged', { 'skip-if-unchanged': 'perhaps' }, 'true or false'],
    ['dry-run', { 'dry-run': '2' }, 'true or false'],
    ['region', { region: 'Europe' }, 'not a region name'],
  ])('rejects a bad %s', (input, values, problem) => {
    let error: unknown;
    try {
      parse(values);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(problem);
  });
});
