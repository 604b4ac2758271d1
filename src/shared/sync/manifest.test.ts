import { layoutFor, prefixProblem } from './layout';
import {
  contentReleaseId,
  hexToBase64,
  manifestPathProblem,
  parseManifest,
  serializeManifest,
  sha256Hex,
  treeDigest,
} from './manifest';
import { parsePointer, serializePointer } from './pointer';

const sha = 'ab'.repeat(32);
const files = [
  { path: 'site.yml', sha256: sha, size: 3, mode: '0644' },
  { path: 'files/run.sh', sha256: sha, size: 3, mode: '0755' },
];

describe('manifest', () => {
  it('serializes canonically: files sorted by path, only manifest fields, round trip', () => {
    const text = serializeManifest({ release: 'r1', created: '2026-01-01T00:00:00.000Z', files });
    expect(JSON.parse(text).files.map((f: { path: string }) => f.path)).toEqual(['files/run.sh', 'site.yml']);
    expect(parseManifest(text)).toEqual({
      release: 'r1',
      created: '2026-01-01T00:00:00.000Z',
      files: [files[1], files[0]],
    });
  });

  it('derives the same release id from the same tree in any order, and another for a mode change', () => {
    expect(contentReleaseId(files)).toBe(contentReleaseId([...files].reverse()));
    expect(contentReleaseId(files)).toMatch(/^[0-9a-f]{16}$/);
    expect(treeDigest(files)).not.toBe(treeDigest([{ ...files[0], mode: '0755' }, files[1]]));
  });

  it.each([
    ['not json', 'nope', /JSON|Unexpected/],
    ['no files', '{"release":"r"}', /not a manifest/],
    [
      'dot-dot path',
      JSON.stringify({ release: 'r', files: [{ ...files[0], path: '../etc/passwd' }] }),
      /invalid path/,
    ],
    [
      'absolute path',
      JSON.stringify({ release: 'r', files: [{ ...files[0], path: '/etc/passwd' }] }),
      /invalid path/,
    ],
    ['bad sha', JSON.stringify({ release: 'r', files: [{ ...files[0], sha256: 'xyz' }] }), /invalid sha256/],
    ['bad size', JSON.stringify({ release: 'r', files: [{ ...files[0], size: -1 }] }), /invalid size/],
    ['bad mode', JSON.stringify({ release: 'r', files: [{ ...files[0], mode: '777' }] }), /invalid mode/],
  ])('rejects %s', (_name, text, error) => {
    expect(() => parseManifest(text)).toThrow(error);
  });

  it.each([
    ['a/b.yml', undefined],
    ['a//b', 'empty'],
    ['./a', 'empty'],
    ['a\\b', 'backslash'],
    ['', 'empty or absolute'],
  ])('path %j → %s', (path, problem) => {
    const result = manifestPathProblem(path);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });

  it('hashes and encodes checksums the way S3 wants them', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hexToBase64(sha256Hex('abc'))).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });
});

describe('pointer', () => {
  const pointer = {
    release: 'r1',
    manifest: 'p/releases/r1.json',
    sha256: sha,
    created: '2026-01-01T00:00:00.000Z',
    source: { repository: 'o/r', commit: 'abc' },
    previous: null,
  };
  it('round-trips', () => {
    expect(parsePointer(serializePointer(pointer))).toEqual(pointer);
  });
  it.each([
    ['no release', { ...pointer, release: '' }, 'has no release'],
    ['bad sha', { ...pointer, sha256: 'x' }, 'invalid sha256'],
  ])('rejects %s', (_name, value, error) => {
    expect(() => parsePointer(JSON.stringify(value))).toThrow(error);
  });
});

describe('layout', () => {
  it.each([
    ['ecs-node', undefined],
    ['platform/ecs-node/', undefined],
    ['/abs', 'must not start with /'],
    ['a//b', 'empty segments'],
    ['a/../b', '. or .. segments'],
    ['..', '. or .. segments'],
    ['a\\b', 'backslashes'],
    ['a\tb', 'control characters'],
    ['/', 'must not start with /'],
  ])('prefix %j → %s', (prefix, problem) => {
    const result = prefixProblem(prefix);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });

  it('places objects, manifests and the pointer under the prefix', () => {
    const layout = layoutFor('fleet/ecs-node/');
    expect([layout.objectKey(sha), layout.manifestKey('r1'), layout.pointerKey]).toEqual([
      `fleet/ecs-node/objects/${sha}`,
      'fleet/ecs-node/releases/r1.json',
      'fleet/ecs-node/current.json',
    ]);
    expect(layout.releaseOfKey('fleet/ecs-node/releases/r1.json')).toBe('r1');
    expect(layout.releaseOfKey('fleet/ecs-node/releases/nested/r1.json')).toBeUndefined();
    expect(layout.releaseOfKey('fleet/ecs-node/objects/r1.json')).toBeUndefined();
  });
});
