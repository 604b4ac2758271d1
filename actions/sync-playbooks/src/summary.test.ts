import type { SyncResult } from '../../../src/shared/sync/sync';
import { formatBytes, MAX_LISTED_CHANGES, renderSummary } from './summary';

const sha = 'cd'.repeat(32);
function result(overrides: Partial<SyncResult> = {}, changes = 2): SyncResult {
  const files = [{ path: 'site.yml', sha256: sha, size: 10, mode: '0644', absolutePath: '/x/site.yml' }];
  return {
    plan: {
      releaseId: 'abc123',
      changed: true,
      manifest: { release: 'abc123', files },
      changes: Array.from({ length: changes }, (_, i) => ({
        path: `roles/r${i}.yml`,
        kind: i % 2 ? ('removed' as const) : ('added' as const),
        size: 2048 * i,
      })),
      unchanged: 1,
      uploads: files,
      uploadBytes: 10,
      reused: 4,
    },
    published: {
      uploaded: 1,
      uploadedBytes: 10,
      alreadyStored: new Set(),
      pointerMoved: true,
      manifestReused: false,
      pointerConflicts: 0,
    },
    prune: {
      releases: [{ key: 'p/releases/old.json', release: 'old', lastModified: new Date(0) }],
      objects: [],
    },
    previousRelease: 'prev9',
    releaseId: 'abc123',
    manifestKey: 'p/releases/abc123.json',
    changed: true,
    reused: 4,
    ...overrides,
  };
}
const context = {
  pointerUri: 's3://b/p/current.json',
  manifestUri: 's3://b/p/releases/abc123.json',
  dryRun: false,
  files: 5,
  bytes: 4096,
  excluded: 1,
};

describe('renderSummary', () => {
  it('renders a publish', () => {
    expect(renderSummary(result(), context)).toMatchSnapshot();
  });

  it('renders a dry run', () => {
    expect(renderSummary(result({ published: undefined }), { ...context, dryRun: true })).toMatchSnapshot();
  });

  it('renders no change', () => {
    const unchanged = result({ changed: false }, 0);
    unchanged.plan = { ...unchanged.plan, changed: false, uploads: [], uploadBytes: 0 };
    expect(renderSummary(unchanged, context)).toContain('No change: release `abc123` is already current');
  });

  it('caps the table of changed files', () => {
    const text = renderSummary(result({}, MAX_LISTED_CHANGES + 7), context);
    expect(text).toContain('…and 7 more changed files.');
    expect(text.match(/\| `roles\/r/g)).toHaveLength(MAX_LISTED_CHANGES);
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 * 1024, '5.0 MiB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
