import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryLogger } from '../runtime/logger';
import { layoutFor } from './layout';
import type { Manifest } from './manifest';
import { planPrune, type PruneOptions } from './prune';
import type { ListedObject, ListedRelease } from './retention';
import { S3Store } from './s3-store';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;
const layout = layoutFor('p');
const s3 = mockClient(S3Client);
const sha = (c: string) => c.repeat(64);
const objectKey = (c: string) => layout.objectKey(sha(c));

function manifest(release: string, hoursAgo: number, files: string[]): Manifest {
  return {
    release,
    created: new Date(NOW - hoursAgo * HOUR).toISOString(),
    files: files.map((c, i) => ({ path: `f${i}`, sha256: sha(c), size: 1, mode: '0644' })),
  };
}

const listed = (m: Manifest): ListedRelease => ({
  key: layout.manifestKey(m.release),
  release: m.release,
  lastModified: new Date(m.created!),
});

/** S3 holding these manifests (by key) and objects (by SHA-256 character → hours since written). */
function holding(manifests: (Manifest | string)[], objects: Record<string, number>): void {
  s3.reset();
  const releases = manifests.map((m) => (typeof m === 'string' ? m : m.release));
  s3.on(ListObjectsV2Command, { Prefix: layout.releasesPrefix }).resolves({
    Contents: releases.map((r) => ({ Key: layout.manifestKey(r), LastModified: new Date(NOW - HOUR) })),
  });
  s3.on(ListObjectsV2Command, { Prefix: layout.objectsPrefix }).resolves({
    Contents: Object.entries(objects).map(([c, hours]) => ({
      Key: objectKey(c),
      LastModified: new Date(NOW - hours * HOUR),
    })),
  });
  s3.on(GetObjectCommand).callsFake(({ Key }: { Key: string }) => {
    const found = manifests.find((m) => typeof m !== 'string' && layout.manifestKey(m.release) === Key);
    const text = found ? JSON.stringify(found) : 'not json';
    return {
      Body: { transformToString: async () => text },
      ETag: '"e"',
    } as unknown as GetObjectCommandOutput;
  });
}

function options(overrides: Partial<PruneOptions>): PruneOptions {
  return {
    store: new S3Store(s3 as unknown as S3Client, 'bucket', { sse: 'AES256' }),
    layout,
    keep: 1,
    publishing: { key: layout.manifestKey('r3'), release: 'r3', sha256s: [sha('a'), sha('d')] },
    currentKey: layout.manifestKey('r3'),
    graceMs: HOUR,
    now: () => new Date(NOW),
    logger: new MemoryLogger(),
    releasesBefore: [],
    knownManifests: [],
    ...overrides,
  };
}

const R1 = manifest('r1', 48, ['a', 'b', 'e']);
const R2 = manifest('r2', 24, ['a', 'c']);
const calls = (command: typeof GetObjectCommand) => s3.commandCalls(command).length;

describe('planPrune', () => {
  it('makes no request when retention would drop none of the releases listed before', async () => {
    holding([R1, R2], {});
    const plan = await planPrune(
      options({ keep: 10, releasesBefore: [listed(R1), listed(R2)], knownManifests: [R2] }),
    );
    expect(plan).toEqual({ releases: [], objects: [] });
    expect(s3.calls()).toHaveLength(0);
  });

  it('lists the objects when a release is dropped, and deletes the unreferenced ones past the grace period', async () => {
    // b: only r1, written 48 h ago; c: only r2, but rewritten 10 minutes ago; f: no manifest ever
    // referenced it (a cancelled run's upload); a and d: the new release's.
    holding([R1, R2], { a: 48, b: 48, c: 1 / 6, d: 0, f: 48 });
    const plan = await planPrune(options({ releasesBefore: [listed(R1), listed(R2)], knownManifests: [R2] }));
    expect(plan.releases.map((r) => r.release)).toEqual(['r1', 'r2']);
    expect(plan.objects.map((o) => o.key).sort()).toEqual([objectKey('b'), objectKey('f')]);
    expect(calls(GetObjectCommand)).toBe(1);
    expect(
      s3
        .commandCalls(ListObjectsV2Command)
        .map((c) => c.args[0].input.Prefix)
        .sort(),
    ).toEqual([layout.objectsPrefix, layout.releasesPrefix]);
  });

  it('drops a manifest it cannot read like any other, and prunes the objects only it referenced', async () => {
    holding(['r0', R1, R2], { a: 48, b: 48, e: 48 });
    const plan = await planPrune(
      options({ releasesBefore: [listed(R1), listed(R2)], knownManifests: [R2], currentKey: undefined }),
    );
    expect(plan.releases.map((r) => r.release).sort()).toEqual(['r0', 'r1', 'r2']);
    expect(plan.objects.map((o) => o.key).sort()).toEqual([objectKey('b'), objectKey('e')]);
  });

  it('deletes no object when a kept manifest cannot be read', async () => {
    holding([R1, R2, 'r3'], { b: 48 });
    const plan = await planPrune(options({ releasesBefore: [listed(R1), listed(R2)], keep: 2 }));
    expect(plan.objects).toEqual([]);
    expect(plan.objectsSkippedBecause).toContain('r3.json could not be read');
  });

  it('sweeps objects listed before planning, even with nothing to drop, without listing them again', async () => {
    holding([R2], {});
    const sweep: ListedObject[] = ['a', 'c', 'd', 's', 't'].map((c, i) => ({
      key: objectKey(c),
      sha256: sha(c),
      lastModified: new Date(NOW - (i === 4 ? 0 : 48 * HOUR)),
    }));
    const plan = await planPrune(
      options({ keep: 10, releasesBefore: [listed(R2)], knownManifests: [R2], objects: sweep }),
    );
    expect(plan.releases).toEqual([]);
    // s: never referenced and old; t: never referenced but within the grace period.
    expect(plan.objects.map((o) => o.key)).toEqual([objectKey('s')]);
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual([
      layout.releasesPrefix,
    ]);
  });
});
