import { InputError } from '../runtime/errors';
import {
  amiName,
  computeFingerprint,
  parseAmiName,
  validateNamePrefix,
  type FingerprintInput,
} from './fingerprint';

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

describe('parseAmiName', () => {
  it.each([
    ['ecs-node-20261126-035145-0123456789ab', 'ecs-node', '2026-11-26T03:51:45.000Z', '0123456789ab'],
    ['ecs-node-gpu-20240101-000000-abcdefabcdef', 'ecs-node-gpu', '2024-01-01T00:00:00.000Z', 'abcdefabcdef'],
    ['prod nodes-20260102-000009-0123456789ab', 'prod nodes', '2026-01-02T00:00:09.000Z', '0123456789ab'],
    // A prefix that itself looks like a name: the suffix is always the last 29 characters.
    [
      'ab-20240101-000000-0123456789ab-20250101-000000-ffffffffffff',
      'ab-20240101-000000-0123456789ab',
      '2025-01-01T00:00:00.000Z',
      'ffffffffffff',
    ],
  ])('takes %j apart', (name, prefix, time, short) => {
    expect(parseAmiName(name)).toEqual({ prefix, buildTime: new Date(time), shortFingerprint: short });
  });

  it('is the inverse of amiName', () => {
    const fingerprint = '0123456789abcdef'.repeat(4);
    const time = new Date('2026-11-26T03:51:45.000Z');
    expect(parseAmiName(amiName('ecs-node', fingerprint, time))).toEqual({
      prefix: 'ecs-node',
      buildTime: time,
      shortFingerprint: fingerprint.slice(0, 12),
    });
  });

  it.each([
    ['no suffix', 'ecs-node'],
    ['a hand-made name', 'fleet-20240101-000000-manual'],
    ['an upper-case fingerprint', 'ecs-node-20240101-000000-0123456789AB'],
    ['a short fingerprint of 11', 'ecs-node-20240101-000000-0123456789a'],
    ['a short fingerprint of 13', 'ecs-node-20240101-000000-0123456789abc'],
    ['no prefix', '-20240101-000000-0123456789ab'],
    ['a date that does not exist', 'ecs-node-20250230-000000-0123456789ab'],
    ['an hour past 23', 'ecs-node-20250101-240000-0123456789ab'],
    ['undefined', undefined],
  ])('rejects %s', (_case, name) => {
    expect(parseAmiName(name)).toBeUndefined();
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
