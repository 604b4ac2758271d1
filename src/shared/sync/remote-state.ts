import type { Logger } from '../runtime/logger';
import type { Layout } from './layout';
import { parseManifest, sha256Hex } from './manifest';
import type { CurrentRelease } from './plan';
import { parsePointer, type Pointer } from './pointer';
import type { ListedObject, ListedRelease } from './retention';
import type { S3Store } from './s3-store';

/** What S3 holds under the prefix, read before planning. */
export interface RemoteState {
  /** The ETag of whatever is at the pointer key, for the next conditional write; undefined before the first sync. */
  pointerEtag?: string;
  /** The pointer, when it is valid. */
  pointer?: Pointer;
  /** The release the pointer references, when its manifest is intact. */
  current?: CurrentRelease;
  /**
   * Every content object, when they were listed: on request, or because there was no intact
   * current release to plan from. Undefined otherwise.
   */
  objects?: ListedObject[];
  releases: ListedRelease[];
}

export interface ReadOptions {
  /** List every object even when the current release is intact (one request per 1,000 objects). */
  listObjects: boolean;
}

/**
 * Reads the pointer, its manifest (verified against the pointer's SHA-256) and the release
 * listing. Content objects are listed only when asked to, or when there is no intact current
 * release: otherwise the current manifest says which objects exist, because a manifest is only
 * ever written after its objects, and pruning never deletes what a kept manifest references.
 */
export async function readRemoteState(
  store: S3Store,
  layout: Layout,
  logger: Logger,
  options: ReadOptions,
): Promise<RemoteState> {
  const listing = options.listObjects ? listObjects(store, layout) : undefined;
  // Settles a listing nobody awaits yet, so that an early failure elsewhere leaves no unhandled rejection.
  listing?.catch(() => undefined);
  const [pointerObject, releases] = await Promise.all([
    store.get(layout.pointerKey),
    listReleases(store, layout),
  ]);
  const state = await readCurrent(store, layout, logger, pointerObject, releases);
  if (listing) return { ...state, objects: await listing };
  if (state.current) return state;
  return { ...state, objects: await listObjects(store, layout) };
}

async function readCurrent(
  store: S3Store,
  layout: Layout,
  logger: Logger,
  pointerObject: { text: string; etag: string } | undefined,
  releases: ListedRelease[],
): Promise<RemoteState> {
  if (!pointerObject) {
    logger.info(`No pointer at ${store.uri(layout.pointerKey)} yet: this is the first sync`);
    return { releases };
  }
  let pointer: Pointer;
  try {
    pointer = parsePointer(pointerObject.text);
  } catch (error) {
    logger.warning(
      `${store.uri(layout.pointerKey)} ${(error as Error).message}; it will be replaced by this release`,
    );
    return { pointerEtag: pointerObject.etag, releases };
  }
  const base = { pointerEtag: pointerObject.etag, pointer, releases };
  const manifestObject = await store.get(pointer.manifest);
  if (!manifestObject) {
    logger.warning(
      `The pointer references ${store.uri(pointer.manifest)}, which does not exist; publishing anew`,
    );
    return base;
  }
  if (sha256Hex(manifestObject.text) !== pointer.sha256) {
    logger.warning(
      `${store.uri(pointer.manifest)} does not match the SHA-256 in the pointer; publishing anew`,
    );
    return base;
  }
  try {
    return { ...base, current: { pointer, manifest: parseManifest(manifestObject.text) } };
  } catch (error) {
    logger.warning(`${store.uri(pointer.manifest)} ${(error as Error).message}; publishing anew`);
    return base;
  }
}

/** Content objects: keys `<prefix>/objects/<64 hex>`; anything else there is ignored. */
export async function listObjects(store: S3Store, layout: Layout): Promise<ListedObject[]> {
  return (await store.list(layout.objectsPrefix))
    .map((item) => ({ ...item, sha256: item.key.slice(layout.objectsPrefix.length) }))
    .filter((item) => /^[0-9a-f]{64}$/.test(item.sha256))
    .map(({ key, sha256, lastModified }) => ({ key, sha256, lastModified }));
}

/** Manifests: keys `<prefix>/releases/<id>.json`. */
export async function listReleases(store: S3Store, layout: Layout): Promise<ListedRelease[]> {
  return (await store.list(layout.releasesPrefix)).flatMap((item) => {
    const release = layout.releaseOfKey(item.key);
    return release ? [{ key: item.key, release, lastModified: item.lastModified }] : [];
  });
}
