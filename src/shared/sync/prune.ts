import type { Logger } from '../runtime/logger';
import { mapConcurrent } from '../runtime/concurrency';
import type { Layout } from './layout';
import { parseManifest, type Manifest } from './manifest';
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
  /** The manifests listed before planning: when retention would drop none of them, nothing is read. */
  releasesBefore: readonly ListedRelease[];
  /**
   * Every object, when they were listed before planning: then they are swept even when no
   * release is dropped. Reusing that listing is as safe as listing again: objects uploaded since
   * are simply not considered (so kept), and the ones that matter, old and unreferenced, show the
   * same either way. Without it, objects are listed only when a release is dropped.
   */
  objects?: readonly ListedObject[];
  /** Manifests already read (the current one), so they are not fetched again. */
  knownManifests: readonly Manifest[];
}

type ManifestSummary = { created?: Date; sha256s: readonly string[] } | undefined;

/**
 * Works out what to prune. Manifests are listed fresh, after this run's pointer write, so that a
 * manifest a concurrent run wrote meanwhile protects its objects; the grace period protects
 * objects uploaded but not yet referenced. Every manifest is read: retention orders them by the
 * creation time they record, and kept ones say which objects are referenced. When the listing
 * read before planning shows nothing to drop (and no objects were listed), nothing more is read.
 */
export async function planPrune(options: PruneOptions): Promise<PrunePlan> {
  const { store, layout, publishing, logger } = options;
  const known = new Map<string, ManifestSummary>(
    options.knownManifests.map((manifest) => [layout.manifestKey(manifest.release), summarise(manifest)]),
  );
  if (!options.objects && !dropsAny(options, options.releasesBefore, known)) {
    logger.debug(
      `${options.releasesBefore.length} releases, keeping ${options.keep} and the current one: nothing to prune`,
    );
    return { releases: [], objects: [] };
  }
  const objects = options.objects ? Promise.resolve(options.objects) : listObjects(store, layout);
  objects.catch(() => undefined); // awaited below; settled here should a manifest read fail first
  const listed = await listReleases(store, layout);
  const contents = new Map(known);
  await mapConcurrent(
    listed.filter((release) => !contents.has(release.key)),
    8,
    async (release) => contents.set(release.key, await readManifest(store, release.key)),
  );
  if (!listed.some((release) => release.key === publishing.key)) {
    listed.push({ key: publishing.key, release: publishing.release, lastModified: options.now() });
    contents.set(publishing.key, { created: options.now(), sha256s: publishing.sha256s });
  }
  const releases = listed.map((release) => ({ ...release, created: contents.get(release.key)?.created }));
  const { keep, drop } = selectReleases({ releases, keep: options.keep, currentKey: options.currentKey });
  logger.debug(
    `releases: keep ${keep.map(describe).join(', ') || 'none'}; drop ${drop.map(describe).join(', ') || 'none'}`,
  );
  const referenced = new Set(publishing.sha256s);
  keep.forEach((release) => contents.get(release.key)?.sha256s.forEach((sha) => referenced.add(sha)));
  const unreadable = keep.filter((release) => !contents.get(release.key));
  if (unreadable.length > 0) {
    const reason = `kept manifest ${store.uri(unreadable[0].key)} could not be read`;
    logger.warning(`Not deleting objects: ${reason}`);
    return { releases: drop, objects: [], objectsSkippedBecause: reason };
  }
  return {
    releases: drop,
    objects: selectOrphans({
      objects: await objects,
      referenced,
      now: options.now(),
      graceMs: options.graceMs,
    }),
  };
}

/** Whether retention drops any of the releases listed before planning (plus the one being published). */
function dropsAny(
  options: PruneOptions,
  before: readonly ListedRelease[],
  known: ReadonlyMap<string, ManifestSummary>,
): boolean {
  const releases = before.map((release) => ({ ...release, created: known.get(release.key)?.created }));
  if (!releases.some((release) => release.key === options.publishing.key))
    releases.push({
      key: options.publishing.key,
      release: options.publishing.release,
      lastModified: options.now(),
      created: options.now(),
    });
  if (releases.length <= options.keep) return false;
  return selectReleases({ releases, keep: options.keep, currentKey: options.currentKey }).drop.length > 0;
}

async function readManifest(store: S3Store, key: string): Promise<ManifestSummary> {
  const object = await store.get(key);
  if (!object) return undefined;
  try {
    return summarise(parseManifest(object.text));
  } catch {
    return undefined;
  }
}

function summarise(manifest: Manifest): ManifestSummary {
  const created = manifest.created ? new Date(manifest.created) : undefined;
  return {
    created: created && !Number.isNaN(created.getTime()) ? created : undefined,
    sha256s: manifest.files.map((file) => file.sha256),
  };
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
