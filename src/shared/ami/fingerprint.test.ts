import { InputError } from '../runtime/errors';
import { amiName, computeFingerprint, validateNamePrefix, type FingerprintInput } from './fingerprint';

const base: FingerprintInput = {
  baseAmiId: 'ami-0aae19d30bab785d3',
  templateFiles: [
    { path: 'node.pkr.hcl', sha256: '1'.repeat(64) },
    { path: '../playbooks/site.yml', sha256: '2'.repeat(64) },
  ],
  vars: { instance_type: 't3.small', root_volume_size: '30' },
  playbooksRelease: 'r-20260101@abc',
};
const reference = computeFingerprint(base);

describe('computeFingerprint', () => {
  it('is a sha256 in hex and stable', () => {
    expect(reference).toMatch(/^[0-9a-f]{64}$/);
    expect(computeFingerprint({ ...base })).toBe(reference);
  });

  it.each<[string, FingerprintInput]>([
    ['files in another order', { ...base, templateFiles: [...base.templateFiles].reverse() }],
    ['vars in another order', { ...base, vars: { root_volume_size: '30', instance_type: 't3.small' } }],
  ])('ignores %s', (_case, input) => {
    expect(computeFingerprint(input)).toBe(reference);
  });

  it.each<[string, FingerprintInput]>([
    ['another base image', { ...base, baseAmiId: 'ami-0b8ef021988a1db2b' }],
    [
      'a changed file',
      {
        ...base,
        templateFiles: [{ ...base.templateFiles[0], sha256: '3'.repeat(64) }, base.templateFiles[1]],
      },
    ],
    [
      'a renamed file',
      { ...base, templateFiles: [{ ...base.templateFiles[0], path: 'main.pkr.hcl' }, base.templateFiles[1]] },
    ],
    [
      'an added file',
      { ...base, templateFiles: [...base.templateFiles, { path: 'x.sh', sha256: '4'.repeat(64) }] },
    ],
    ['a changed var', { ...base, vars: { ...base.vars, instance_type: 't3.large' } }],
    ['an added var', { ...base, vars: { ...base.vars, subnet_id: 'subnet-1' } }],
    ['another playbook release', { ...base, playbooksRelease: 'r-20260102@def' }],
    ['no playbook release', { ...base, playbooksRelease: undefined }],
    [
      'a var that moved between key and value',
      { ...base, vars: { 'instance_type=t3': 'small', root_volume_size: '30' } },
    ],
  ])('changes with %s', (_case, input) => {
    expect(computeFingerprint(input)).not.toBe(reference);
  });
});

describe('amiName', () => {
  it.each([
    ['ecs-node', '2026-11-26T03:51:45.123Z', 'ecs-node-20261126-035145-0123456789ab'],
    ['prod nodes', '2026-01-02T00:00:09Z', 'prod nodes-20260102-000009-0123456789ab'],
  ])('%s at %s', (prefix, time, expected) => {
    expect(amiName(prefix, '0123456789abcdef'.repeat(4), new Date(time))).toBe(expected);
  });

  it('sorts by build time', () => {
    const names = ['2026-03-01T10:00:00Z', '2026-01-01T23:59:59Z', '2026-03-01T09:00:00Z'].map((time) =>
      amiName('p', 'f'.repeat(64), new Date(time)),
    );
    expect([...names].sort()).toEqual([names[1], names[2], names[0]]);
  });
});

describe('validateNamePrefix', () => {
  it.each(['ecs-node', 'prod (eu) [x]', "team's/nodes@v2", 'ab'])('accepts %j', (prefix) => {
    expect(validateNamePrefix(prefix)).toBe(prefix);
  });

  it.each([
    ['ecs*node', 'characters an AMI name cannot contain'],
    ['ecs:node', 'characters an AMI name cannot contain'],
    ['a', 'must be 2 to'],
    ['x'.repeat(100), 'must be 2 to'],
  ])('rejects %j', (prefix, problem) => {
    expect(() => validateNamePrefix(prefix)).toThrow(InputError);
    expect(() => validateNamePrefix(prefix)).toThrow(problem);
  });
});
