import type { Logger } from '../runtime/logger';
import { mapConcurrent } from './concurrency';
import type { Layout } from './layout';
import { parseManifest } from './manifest';
import { listObjects, listReleases } from './remote-state';
import { selectOrphans, selectReleases, type ListedObject, type ListedRelease } from './retention';
import type { S3Store } from './s3-store';

export interface PrunePlan {
  /** Manifests to delete, oldest first. */
  releases: ListedRelease[];
  /** Objects no kept manifest references. */
  objects: ListedObject[];
  /** Set when a kept manifest could not be read: then no object is deleted. */
  objectsSkippedBecause?: string;
}

export interface PruneOptions {
  store: S3Store;
  layout: Layout;
  keep: number;
  /** The manifest the pointer references after this run. */
  currentKey?: string;
  /** Files of the release being published; their objects are never orphans. */
  publishing: { key: string; release: string; sha256s: readonly string[] };
  graceMs: number;
  now: () => Date;
  logger: Logger;
}

/**
 * Works out what to prune. Objects are listed before manifests so that a manifest written by a
 * concurrent run after our object listing still protects its objects; the grace period protects
 * objects uploaded but not yet referenced. Every manifest is read: retention orders them by the
 * creation time they record, and kept ones say which objects are referenced.
 */
export async function planPrune(options: PruneOptions): Promise<PrunePlan> {
  const { store, layout, publishing } = options;
  const objects = await listObjects(store, layout);
  const listed = await listReleases(store, layout);
  const contents = new Map<string, { created?: Date; sha256s: readonly string[] } | undefined>();
  await mapConcurrent(listed, 8, async (release) =>
    contents.set(release.key, await readManifest(store, release.key)),
  );
  if (!contents.has(publishing.key)) {
    listed.push({ key: publishing.key, release: publishing.release, lastModified: options.now() });
    contents.set(publishing.key, { created: options.now(), sha256s: publishing.sha256s });
  }
  const releases = listed.map((release) => ({ ...release, created: contents.get(release.key)?.created }));
  const { keep, drop } = selectReleases({ releases, keep: options.keep, currentKey: options.currentKey });
  options.logger.debug(
    `releases: keep ${keep.map(describe).join(', ') || 'none'}; drop ${drop.map(describe).join(', ') || 'none'}`,
  );
  const referenced = new Set(publishing.sha256s);
  const unreadable = keep.filter((release) => !contents.get(release.key));
  keep.forEach((release) => contents.get(release.key)?.sha256s.forEach((sha) => referenced.add(sha)));
  if (unreadable.length > 0) {
    const reason = `kept manifest ${store.uri(unreadable[0].key)} could not be read`;
    options.logger.warning(`Not deleting objects: ${reason}`);
    return { releases: drop, objects: [], objectsSkippedBecause: reason };
  }
  return {
    releases: drop,
    objects: selectOrphans({ objects, referenced, now: options.now(), graceMs: options.graceMs }),
  };
}

async function readManifest(
  store: S3Store,
  key: string,
): Promise<{ created?: Date; sha256s: string[] } | undefined> {
  const object = await store.get(key);
  if (!object) return undefined;
  try {
    const manifest = parseManifest(object.text);
    const created = manifest.created ? new Date(manifest.created) : undefined;
    return {
      created: created && !Number.isNaN(created.getTime()) ? created : undefined,
      sha256s: manifest.files.map((file) => file.sha256),
    };
  } catch {
    return undefined;
  }
}

/** Deletes the dropped manifests first, then the orphaned objects: no manifest ever dangles. */
export async function applyPrune(store: S3Store, plan: PrunePlan, logger: Logger): Promise<void> {
  await store.delete(plan.releases.map((release) => release.key));
  await store.delete(plan.objects.map((object) => object.key));
  if (plan.releases.length + plan.objects.length > 0)
    logger.info(`Pruned ${plan.releases.length} releases and ${plan.objects.length} objects`);
}

function describe(release: ListedRelease): string {
  return `${release.release} (${(release.created ?? release.lastModified).toISOString()})`;
}
