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
  objects: ListedObject[];
  releases: ListedRelease[];
}

/** Reads the pointer, its manifest (verified against the pointer's SHA-256) and the listings. */
export async function readRemoteState(store: S3Store, layout: Layout, logger: Logger): Promise<RemoteState> {
  const [pointerObject, objects, releases] = await Promise.all([
    store.get(layout.pointerKey),
    listObjects(store, layout),
    listReleases(store, layout),
  ]);
  if (!pointerObject) {
    logger.info(`No pointer at ${store.uri(layout.pointerKey)} yet: this is the first sync`);
    return { objects, releases };
  }
  let pointer: Pointer;
  try {
    pointer = parsePointer(pointerObject.text);
  } catch (error) {
    logger.warning(
      `${store.uri(layout.pointerKey)} ${(error as Error).message}; it will be replaced by this release`,
    );
    return { pointerEtag: pointerObject.etag, objects, releases };
  }
  const base = { pointerEtag: pointerObject.etag, pointer, objects, releases };
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
