import { readFile } from 'node:fs/promises';
import { ActionError, FileError } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { mapConcurrent } from '../runtime/concurrency';
import type { Layout } from './layout';
import {
  hexToBase64,
  parseManifest,
  sameFiles,
  serializeManifest,
  sha256Hex,
  type ManifestFile,
} from './manifest';
import type { SyncPlan } from './plan';
import { parsePointer, serializePointer, type Pointer } from './pointer';
import type { S3Store } from './s3-store';

/** A file to upload: manifest fields plus where to read it. */
export type UploadFile = ManifestFile & { absolutePath: string };

export interface PublishOptions {
  store: S3Store;
  layout: Layout;
  plan: SyncPlan<UploadFile>;
  /** The ETag of the pointer read before planning; undefined when there was none. */
  pointerEtag?: string;
  /** The release the pointer referenced before planning. */
  previousRelease?: string;
  source: { repository?: string; commit?: string };
  now: () => Date;
  concurrency: number;
  logger: Logger;
  /** Conditional pointer writes to try before giving up on a busy pointer. */
  maxPointerAttempts?: number;
}

export interface PublishResult {
  /** Objects this run uploaded. */
  uploaded: number;
  /** Bytes of the objects this run uploaded. */
  uploadedBytes: number;
  /**
   * SHA-256s of planned uploads that S3 already held (the conditional write was refused): an
   * object of an older release, or one a concurrent run uploaded first.
   */
  alreadyStored: ReadonlySet<string>;
  /** Whether this run moved the pointer. */
  pointerMoved: boolean;
  /** The pointer as it stands after this run. */
  pointer?: Pointer;
  /** Whether the manifest already existed with the same content (a release published again). */
  manifestReused: boolean;
  /** Writes of the pointer that lost a race to another run. */
  pointerConflicts: number;
}

/**
 * Applies a plan: uploads missing objects (checksummed, concurrently, never overwriting), then
 * the manifest, then moves the pointer with a conditional write. Order matters: a node that reads
 * the pointer at any moment finds a complete release.
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const { plan, store, layout, logger } = options;
  const alreadyStored = await uploadObjects(options);
  const uploads = plan.uploads.filter((file) => !alreadyStored.has(file.sha256));
  const result: PublishResult = {
    uploaded: uploads.length,
    uploadedBytes: uploads.reduce((sum, file) => sum + file.size, 0),
    alreadyStored,
    pointerMoved: false,
    manifestReused: false,
    pointerConflicts: 0,
  };
  if (!plan.changed) return result;
  const manifestText = serializeManifest(plan.manifest);
  const manifestKey = layout.manifestKey(plan.releaseId);
  let manifestSha = sha256Hex(manifestText);
  result.manifestReused = !(await store.put(manifestKey, manifestText, hexToBase64(manifestSha), {
    ifNoneMatch: '*',
  }));
  // A manifest left by an earlier (perhaps killed) run is kept as it is; its bytes differ from
  // ours (its `created` time), so the pointer must carry the sha256 of what is really stored.
  if (result.manifestReused) manifestSha = await checkExistingManifest(store, manifestKey, plan);
  logger.info(`${result.manifestReused ? 'Reused' : 'Wrote'} manifest ${store.uri(manifestKey)}`);
  return { ...result, ...(await movePointer(options, manifestKey, manifestSha)) };
}

/**
 * Uploads the planned objects with If-None-Match: an object S3 already holds is refused, not
 * overwritten, and not sent twice. Returns the SHA-256s that were already there.
 */
async function uploadObjects(options: PublishOptions): Promise<Set<string>> {
  const { plan, store, layout, logger } = options;
  const outcomes = await mapConcurrent(plan.uploads, options.concurrency, async (file) => {
    const body = await readFile(file.absolutePath);
    // The tree was hashed earlier; a file edited since would publish a release that lies.
    if (body.length !== file.size || sha256Hex(body) !== file.sha256)
      throw new FileError(file.path, 'changed while the sync was running; run it again');
    const written = await store.put(layout.objectKey(file.sha256), body, hexToBase64(file.sha256), {
      ifNoneMatch: '*',
    });
    logger.debug(`${written ? 'uploaded' : 'already stored:'} ${file.path} (${file.sha256})`);
    return written;
  });
  return new Set(plan.uploads.filter((_, index) => !outcomes[index]).map((file) => file.sha256));
}

/** A manifest key that already exists must describe exactly this tree; returns its sha256. */
async function checkExistingManifest(
  store: S3Store,
  key: string,
  plan: SyncPlan<UploadFile>,
): Promise<string> {
  const existing = await store.get(key);
  let same = false;
  try {
    same = existing !== undefined && sameFiles(parseManifest(existing.text).files, plan.manifest.files);
  } catch {
    same = false;
  }
  if (!same)
    throw new ActionError(
      `Release '${plan.releaseId}' already exists at ${store.uri(key)} with different content. Releases are immutable: give a new release-id (or leave it empty to derive one from the content).`,
      { title: 'Release already exists' },
    );
  return sha256Hex((existing as { text: string }).text);
}

async function movePointer(
  options: PublishOptions,
  manifestKey: string,
  manifestSha: string,
): Promise<Pick<PublishResult, 'pointerMoved' | 'pointer' | 'pointerConflicts'>> {
  const { store, layout, logger, plan } = options;
  const attempts = options.maxPointerAttempts ?? 5;
  let etag = options.pointerEtag;
  let previous = options.previousRelease ?? null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const pointer: Pointer = {
      release: plan.releaseId,
      manifest: manifestKey,
      sha256: manifestSha,
      created: options.now().toISOString(),
      source: options.source,
      previous,
    };
    const text = serializePointer(pointer);
    const condition = etag ? { ifMatch: etag } : { ifNoneMatch: '*' as const };
    if (await store.put(layout.pointerKey, text, hexToBase64(sha256Hex(text)), condition)) {
      logger.info(`Moved ${store.uri(layout.pointerKey)} to release ${plan.releaseId}`);
      return { pointerMoved: true, pointer, pointerConflicts: attempt - 1 };
    }
    // Another run moved the pointer after we read it. Re-read it and decide again, so its
    // update is never overwritten unseen.
    const now = await store.get(layout.pointerKey);
    const theirs = now ? safeParsePointer(now.text) : undefined;
    if (theirs?.sha256 === manifestSha) {
      logger.info(`Another run already pointed ${store.uri(layout.pointerKey)} at release ${plan.releaseId}`);
      return { pointerMoved: false, pointer: theirs, pointerConflicts: attempt };
    }
    logger.warning(
      `${store.uri(layout.pointerKey)} moved while this run was publishing (now ${theirs ? `release ${theirs.release}${theirs.source.commit ? ` from commit ${theirs.source.commit}` : ''}` : 'absent'}); publishing release ${plan.releaseId} over it (attempt ${attempt + 1} of ${attempts})`,
    );
    etag = now?.etag;
    previous = theirs?.release ?? null;
  }
  throw new ActionError(
    `Could not move ${store.uri(layout.pointerKey)}: it changed ${attempts} times while this run was publishing. Other runs are syncing the same prefix; serialise them with a workflow concurrency group and run again.`,
    { title: 'Pointer is busy' },
  );
}

function safeParsePointer(text: string): Pointer | undefined {
  try {
    return parsePointer(text);
  } catch {
    return undefined;
  }
}
