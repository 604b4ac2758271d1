import { PackerFailedError } from '../../../src/shared/packer/run-packer';
import { packerVariables, pickImage } from './build';

const request = {
  template: { path: '/t', dir: '/t', configText: '', files: [] },
  baseAmi: { imageId: 'ami-base', name: 'base', source: 'ami-base' },
  fingerprint: 'f'.repeat(64),
  name: 'ecs-node-20260101-000000-ffffffffffff',
};

describe('packerVariables', () => {
  it.each([
    [
      'without a playbooks pointer',
      request,
      {},
      [
        ['base_ami', 'ami-base'],
        ['ami_name', 'ecs-node-20260101-000000-ffffffffffff'],
        ['fingerprint', 'f'.repeat(64)],
      ],
    ],
    [
      'with a pointer and vars',
      { ...request, playbooks: { uri: 's3://b/p/current.json', prefixUri: 's3://b/p', release: 'r1' } },
      { instance_type: 't3.large' },
      [
        ['base_ami', 'ami-base'],
        ['ami_name', 'ecs-node-20260101-000000-ffffffffffff'],
        ['fingerprint', 'f'.repeat(64)],
        ['playbooks_pointer', 's3://b/p/current.json'],
        ['instance_type', 't3.large'],
      ],
    ],
  ])('%s', (_case, input, vars, expected) => {
    expect(packerVariables(input, vars)).toEqual(expected);
  });
});

const a = (region: string, imageId: string, build = 'amazon-ebs.node') => ({ region, imageId, build });

describe('pickImage', () => {
  it.each([
    ['the one in the region', [a('us-east-1', 'ami-1'), a('eu-west-1', 'ami-2')], [], 'ami-1'],
    ['from the manifest when the output had none', [], [a('us-east-1', 'ami-3')], 'ami-3'],
    ['the same AMI from both', [a('us-east-1', 'ami-1')], [a('us-east-1', 'ami-1')], 'ami-1'],
  ])('%s', (_case, artifacts, manifest, expected) => {
    expect(pickImage('us-east-1', artifacts, manifest)).toBe(expected);
  });

  it.each([
    ['none at all', [], 'reported no AMI in us-east-1; the template'],
    [
      'only other regions',
      [a('eu-west-1', 'ami-2')],
      'reported no AMI in us-east-1 (it reported eu-west-1:ami-2)',
    ],
    [
      'two builds',
      [a('us-east-1', 'ami-1'), a('us-east-1', 'ami-2', 'amazon-ebs.gpu')],
      'built 2 AMIs in us-east-1',
    ],
  ])('refuses %s', (_case, artifacts, problem) => {
    expect(() => pickImage('us-east-1', artifacts)).toThrow(PackerFailedError);
    expect(() => pickImage('us-east-1', artifacts)).toThrow(problem);
  });
});
