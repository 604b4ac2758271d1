import { selectOrphans, selectReleases, type ListedRelease } from './retention';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
const release = (id: string, seconds: number, createdMs?: number): ListedRelease => ({
  key: `p/releases/${id}.json`,
  release: id,
  lastModified: at(seconds),
  ...(createdMs !== undefined ? { created: new Date(at(seconds).getTime() + createdMs) } : {}),
});

describe('selectReleases', () => {
  it.each([
    // name, releases, keep, current, kept ids, dropped ids (oldest first)
    ['fewer than keep', [release('a', 1), release('b', 2)], 3, 'b', ['b', 'a'], []],
    [
      'newest kept',
      [release('a', 1), release('b', 2), release('c', 3), release('d', 4)],
      2,
      'd',
      ['d', 'c'],
      ['a', 'b'],
    ],
    [
      'current kept though old',
      [release('a', 1), release('b', 2), release('c', 3)],
      1,
      'a',
      ['c', 'a'],
      ['b'],
    ],
    [
      'creation time orders releases within one second',
      [release('x', 5, 900), release('y', 5, 100), release('z', 5, 500)],
      1,
      'x',
      ['x'],
      ['y', 'z'],
    ],
    ['same second, no creation time: by key', [release('a', 5), release('b', 5)], 1, undefined, ['b'], ['a']],
    ['no current', [release('a', 1), release('b', 2)], 1, undefined, ['b'], ['a']],
  ])('%s', (_name, releases, keep, current, kept, dropped) => {
    const result = selectReleases({ releases, keep, currentKey: current && `p/releases/${current}.json` });
    expect(result.keep.map((r) => r.release)).toEqual(kept);
    expect(result.drop.map((r) => r.release)).toEqual(dropped);
  });
});

describe('selectOrphans', () => {
  const object = (sha: string, seconds: number) => ({
    key: `p/objects/${sha}`,
    sha256: sha,
    lastModified: at(seconds),
  });
  it.each([
    ['referenced objects stay', [object('a', 0)], ['a'], 0, []],
    ['unreferenced objects go', [object('a', 0), object('b', 0)], ['a'], 0, ['b']],
    ['young unreferenced objects stay', [object('a', 0), object('b', 50)], ['a'], 30_000, []],
    ['old unreferenced objects go despite a grace', [object('b', 10)], [], 30_000, ['b']],
  ])('%s', (_name, objects, referenced, graceMs, orphans) => {
    expect(
      selectOrphans({ objects, referenced: new Set(referenced), now: at(60), graceMs }).map((o) => o.sha256),
    ).toEqual(orphans);
  });
});
