import type { Image } from '@aws-sdk/client-ec2';
import { carriesFingerprint, imageOwnership, selectByFingerprint, taggingComplete } from './image-match';

const FP = '0123456789ab'.padEnd(64, 'c');
const OTHER = 'ffffffffffff'.padEnd(64, 'd');
const NAME = 'ecs-node-20260101-000000-0123456789ab';

/** An image with tags from an object. */
function image(name: string, tags: Record<string, string> = {}, extra: Partial<Image> = {}): Image {
  return {
    ImageId: `ami-${name.slice(-4)}`,
    Name: name,
    State: 'available',
    CreationDate: '2026-01-01T00:00:00.000Z',
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    ...extra,
  };
}
const complete = (prefix: string, fingerprint: string) => ({
  'bake-ami:name-prefix': prefix,
  'bake-ami:fingerprint': fingerprint,
  'bake-ami:build-time': '2026-01-01T00:00:00.000Z',
});

describe('imageOwnership', () => {
  it.each<[string, Image, string | undefined]>([
    ['tagged with the prefix', image(NAME, complete('ecs-node', FP)), 'tagged'],
    ['tagged, whatever its name', image('ecs-node-manual', { 'bake-ami:name-prefix': 'ecs-node' }), 'tagged'],
    ['tagged with another prefix', image(NAME, { 'bake-ami:name-prefix': 'ecs-node-gpu' }), undefined],
    ['untagged, named by bake-ami', image(NAME), 'named'],
    [
      'untagged, named by bake-ami, fingerprint as named',
      image(NAME, { 'bake-ami:fingerprint': FP }),
      'named',
    ],
    [
      'untagged, named by bake-ami, another fingerprint than named',
      image(NAME, { 'bake-ami:fingerprint': OTHER }),
      undefined,
    ],
    ["another prefix's name (ecs-node-gpu)", image('ecs-node-gpu-20260101-000000-0123456789ab'), undefined],
    ['a hand-made name of the prefix', image('ecs-node-20240101-000000-manual'), undefined],
    ['a name of the prefix without the suffix', image('ecs-node-base'), undefined],
  ])('%s', (_case, candidate, expected) => {
    expect(imageOwnership(candidate, 'ecs-node')).toBe(expected);
  });
});

describe('carriesFingerprint', () => {
  it.each<[string, Image, boolean]>([
    ['the same fingerprint tag', image(NAME, { 'bake-ami:fingerprint': FP }), true],
    ['another fingerprint tag', image(NAME, { 'bake-ami:fingerprint': OTHER }), false],
    // The tag decides when there is one: a name alone is only 12 characters of it.
    [
      'another tag, the name of this one',
      image(NAME, { 'bake-ami:fingerprint': `${FP.slice(0, 12)}x` }),
      false,
    ],
    ['no tag, the short fingerprint in its name', image(NAME), true],
    ['no tag, another short fingerprint in its name', image('ecs-node-20260101-000000-ffffffffffff'), false],
    ['no tag, a name not made by bake-ami', image(`ecs-node-${FP.slice(0, 12)}`), false],
  ])('%s', (_case, candidate, expected) => {
    expect(carriesFingerprint(candidate, FP)).toBe(expected);
  });
});

describe('taggingComplete', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ["bake-ami's tags", complete('ecs-node', FP), true],
    ['only the template tags (killed before tagging)', { Name: NAME, 'bake-ami:fingerprint': FP }, false],
    [
      "the shipped template's tags, prefix included",
      { 'bake-ami:name-prefix': 'ecs-node', 'bake-ami:fingerprint': FP },
      false,
    ],
    ['no tags', {}, false],
  ])('%s', (_case, tags, expected) => {
    expect(taggingComplete(image(NAME, tags))).toBe(expected);
  });
});

describe('selectByFingerprint', () => {
  const at = (day: string) => ({ CreationDate: `2026-01-${day}T00:00:00.000Z` });
  const tagged = image('ecs-node-20260102-000000-0123456789ab', complete('ecs-node', FP), at('02'));
  const newerTagged = image('ecs-node-20260103-000000-0123456789ab', complete('ecs-node', FP), at('03'));
  const orphan = image('ecs-node-20260105-000000-0123456789ab', { 'bake-ami:fingerprint': FP }, at('05'));
  const untaggedOrphan = image('ecs-node-20260104-000000-0123456789ab', {}, at('04'));
  const pending = image('ecs-node-20260106-000000-0123456789ab', {}, { ...at('06'), State: 'pending' });
  const failed = image('ecs-node-20260107-000000-0123456789ab', {}, { ...at('07'), State: 'failed' });
  const other = image('ecs-node-20260108-000000-ffffffffffff', complete('ecs-node', OTHER), at('08'));

  it.each<[string, Image[], { image: Image; pending: boolean; incomplete: boolean } | undefined]>([
    ['nothing', [], undefined],
    ['only another fingerprint', [other], undefined],
    ['a tagged image', [other, tagged], { image: tagged, pending: false, incomplete: false }],
    [
      'the newest of two tagged',
      [tagged, newerTagged],
      { image: newerTagged, pending: false, incomplete: false },
    ],
    [
      'a tagged image before a newer orphan',
      [orphan, tagged, untaggedOrphan],
      { image: tagged, pending: false, incomplete: false },
    ],
    [
      'an orphan tagged by the template, before an older one it did not tag',
      [untaggedOrphan, orphan],
      { image: orphan, pending: false, incomplete: true },
    ],
    [
      'an orphan the template did not tag, by its name',
      [untaggedOrphan, other],
      { image: untaggedOrphan, pending: false, incomplete: true },
    ],
    [
      'an available image before a newer pending one',
      [pending, untaggedOrphan],
      { image: untaggedOrphan, pending: false, incomplete: true },
    ],
    [
      'a pending image when nothing is available',
      [pending, other],
      { image: pending, pending: true, incomplete: true },
    ],
    ['never a failed image', [failed], undefined],
  ])('%s', (_case, images, expected) => {
    expect(selectByFingerprint(images, FP)).toEqual(expected);
  });
});
