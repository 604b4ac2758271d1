import { contentReleaseId, type ManifestFile } from './manifest';
import { diffFiles, planSync, type CurrentRelease } from './plan';

const file = (path: string, content: string, mode = '0644'): ManifestFile => ({
  path,
  sha256: content.repeat(64).slice(0, 64),
  size: content.length,
  mode,
});
const A = file('a.yml', 'a');
const B = file('b.yml', 'b');
const C = file('c.yml', 'c');
const created = new Date('2026-01-02T03:04:05.678Z');

function current(files: ManifestFile[], release = 'r1'): CurrentRelease {
  return {
    pointer: {
      release,
      manifest: `p/releases/${release}.json`,
      sha256: '0'.repeat(64),
      created: '',
      source: {},
      previous: null,
    },
    manifest: { release, files },
  };
}

describe('planSync', () => {
  it.each([
    // name, local files, current files, existing objects, changed, uploads, reused
    ['first sync', [A, B], undefined, [], true, ['a.yml', 'b.yml'], 0],
    ['no change', [A, B], [A, B], ['a', 'b'], false, [], 2],
    ['no change, order differs', [B, A], [A, B], ['a', 'b'], false, [], 2],
    ['one file changed', [A, file('b.yml', 'x')], [A, B], ['a', 'b'], true, ['b.yml'], 1],
    ['a file removed', [A], [A, B], ['a', 'b'], true, [], 1],
    ['mode changed only', [A, file('b.yml', 'b', '0755')], [A, B], ['a', 'b'], true, [], 2],
    ['same content twice uploads once', [A, file('a2.yml', 'a')], undefined, [], true, ['a.yml'], 0],
    ['object of an old release reused', [A, C], [A, B], ['a', 'b', 'c'], true, [], 2],
    ['missing object of the current release re-uploaded', [A, B], [A, B], ['a'], false, ['b.yml'], 1],
  ] as const)('%s', (_name, files, currentFiles, existing, changed, uploads, reused) => {
    const plan = planSync({
      files: [...files],
      current: currentFiles ? current([...currentFiles]) : undefined,
      existingObjects: new Set(existing.map((c) => c.repeat(64))),
      created,
    });
    expect(plan.changed).toBe(changed);
    expect(plan.uploads.map((upload) => upload.path)).toEqual(uploads);
    expect(plan.reused).toBe(reused);
  });

  it('derives the release id from the content, and keeps the current id when nothing changed', () => {
    expect(planSync({ files: [A, B], existingObjects: new Set(), created }).releaseId).toBe(
      contentReleaseId([A, B]),
    );
    expect(
      planSync({
        files: [A, B],
        current: current([A, B], 'v7'),
        existingObjects: new Set(),
        created,
        releaseId: 'v8',
      }).releaseId,
    ).toBe('v7');
    expect(
      planSync({
        files: [A],
        current: current([A, B], 'v7'),
        existingObjects: new Set(),
        created,
        releaseId: 'v8',
      }).releaseId,
    ).toBe('v8');
  });

  it('records the creation time in the manifest', () => {
    expect(planSync({ files: [A], existingObjects: new Set(), created }).manifest).toEqual({
      release: contentReleaseId([A]),
      created: '2026-01-02T03:04:05.678Z',
      files: [A],
    });
  });

  it('refuses to reuse the current id for different content', () => {
    expect(() =>
      planSync({
        files: [A],
        current: current([A, B], 'v7'),
        existingObjects: new Set(),
        created,
        releaseId: 'v7',
      }),
    ).toThrow("release 'v7' is already current with different content");
  });
});

describe('diffFiles', () => {
  it.each([
    ['nothing', [A], [A], []],
    ['added', [A], [A, B], [['b.yml', 'added']]],
    ['removed', [A, B], [A], [['b.yml', 'removed']]],
    ['modified content', [A], [file('a.yml', 'z')], [['a.yml', 'modified']]],
    ['modified mode', [A], [file('a.yml', 'a', '0755')], [['a.yml', 'modified']]],
    [
      'sorted by path',
      [C],
      [B, A],
      [
        ['a.yml', 'added'],
        ['b.yml', 'added'],
        ['c.yml', 'removed'],
      ],
    ],
  ])('%s', (_name, before, after, changes) => {
    expect(diffFiles(before, after).map((change) => [change.path, change.kind])).toEqual(changes);
  });
});
