import type { Image } from '@aws-sdk/client-ec2';
import { InputError } from '../runtime/errors';
import { DEFAULT_BASE_AMI, newestImage, parseBaseAmiSelector } from './base-ami';

describe('parseBaseAmiSelector', () => {
  it.each([
    [
      DEFAULT_BASE_AMI,
      { kind: 'ssm', parameter: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id' },
    ],
    ['ssm:/my/base-image', { kind: 'ssm', parameter: '/my/base-image' }],
    ['ssm: base_image.v2 ', { kind: 'ssm', parameter: 'base_image.v2' }],
    [
      'filter:al2023-ami-ecs-hvm-*-kernel-6.1-x86_64',
      { kind: 'filter', namePattern: 'al2023-ami-ecs-hvm-*-kernel-6.1-x86_64' },
    ],
    [
      'filter:amzn-ami-*-amazon-ecs-optimized',
      { kind: 'filter', namePattern: 'amzn-ami-*-amazon-ecs-optimized' },
    ],
    ['filter:my image (v?)', { kind: 'filter', namePattern: 'my image (v?)' }],
    ['ami-0123abcd', { kind: 'id', imageId: 'ami-0123abcd' }],
    [' ami-0123456789abcdef0 ', { kind: 'id', imageId: 'ami-0123456789abcdef0' }],
  ])('parses %j', (value, expected) => {
    expect(parseBaseAmiSelector(value)).toEqual(expected);
  });

  it.each([
    ['latest', 'is not an SSM parameter, a name filter or an image id'],
    ['ami-XYZ', 'is not an SSM parameter'],
    ['ami-0123', 'is not an SSM parameter'],
    ['ssm:', 'invalid SSM parameter name'],
    ['ssm:/a//b', 'invalid SSM parameter name'],
    ['ssm:/a b', 'invalid SSM parameter name'],
    ['filter:', 'invalid image name pattern'],
    ['filter:name;rm', 'invalid image name pattern'],
    ['SSM:/a', 'is not an SSM parameter'],
  ])('rejects %j naming the input and the value', (value, problem) => {
    const error = (() => {
      try {
        parseBaseAmiSelector(value);
      } catch (caught) {
        return caught as InputError;
      }
      throw new Error('did not throw');
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error.input).toBe('base-ami');
    expect(error.message).toContain(problem);
    expect(error.message).toContain(`'${value}'`);
  });
});

const image = (id: string, name: string, date?: string, state = 'available'): Image => ({
  ImageId: id,
  Name: name,
  CreationDate: date,
  State: state as Image['State'],
});

describe('newestImage', () => {
  it.each([
    [
      'latest creation date wins',
      [image('ami-1', 'b', '2026-01-02T00:00:00.000Z'), image('ami-2', 'a', '2026-03-01T00:00:00.000Z')],
      'ami-2',
    ],
    [
      'equal dates: greatest name (AWS names carry the date)',
      [
        image('ami-1', 'x-2026.0.20260108', '2026-01-01T00:00:00.000Z'),
        image('ami-2', 'x-2026.0.20260226', '2026-01-01T00:00:00.000Z'),
      ],
      'ami-2',
    ],
    ['missing dates: greatest name', [image('ami-1', 'x-20260226'), image('ami-2', 'x-20260108')], 'ami-1'],
    [
      'unavailable images are ignored',
      [image('ami-1', 'a', '2026-01-01'), image('ami-2', 'b', '2026-06-01', 'deregistered')],
      'ami-1',
    ],
    ['none', [image('ami-2', 'b', '2026-06-01', 'pending')], undefined],
  ])('%s', (_case, images, expected) => {
    expect(newestImage(images)?.ImageId).toBe(expected);
  });
});
