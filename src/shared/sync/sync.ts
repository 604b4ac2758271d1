import type { Logger } from '../runtime/logger';
import type { Layout } from './layout';
import { planSync, type SyncPlan } from './plan';
import { publish, type PublishResult, type UploadFile } from './publish';
import { applyPrune, planPrune, type PrunePlan } from './prune';
import { readRemoteState } from './remote-state';
import type { S3Store } from './s3-store';
import { ActionError } from '../runtime/errors';

export interface SyncOptions {
  store: S3Store;
  layout: Layout;
  /** The local files; a promise so that hashing overlaps reading what S3 holds. */
  files: readonly UploadFile[] | Promise<readonly UploadFile[]>;
  releaseId?: string;
  keepReleases: number;
  pruneGraceMs: number;
  /**
   * List every object: upload any the release references that S3 lacks, and sweep objects no
   * kept release references. Without it the current manifest says which objects exist.
   */
  verifyObjects: boolean;
  dryRun: boolean;
  source: { repository?: string; commit?: string };
  concurrency?: number;
  now?: () => Date;
  logger: Logger;
}

export interface SyncResult {
  plan: SyncPlan<UploadFile>;
  /** Undefined on a dry run. */
  published?: PublishResult;
  prune: PrunePlan;
  /** The release the pointer referenced before this run. */
  previousRelease?: string;
  /** The release nodes apply after this run (on a dry run: would apply). */
  releaseId: string;
  manifestKey: string;
  /** Whether the pointer moved (on a dry run: would move). */
  changed: boolean;
  /** Files whose object S3 already held, so nothing was uploaded for them. */
  reused: number;
}

/** One sync: read what S3 holds, plan, and (unless a dry run) publish and prune. */
export async function syncTree(options: SyncOptions): Promise<SyncResult> {
  const { store, layout, logger } = options;
  const now = options.now ?? (() => new Date());
  // Hashing is disk-bound and reading S3 network-bound: do both at once. A problem with the
  // files (they are validated while hashed) wins over an S3 error; nothing is written either way.
  const [filesResult, remoteResult] = await Promise.allSettled([
    Promise.resolve(options.files),
    logger.group('Read the published state', () =>
      // A dry run lists every object, so that its plan says exactly what a run would upload.
      readRemoteState(store, layout, logger, { listObjects: options.verifyObjects || options.dryRun }),
    ),
  ]);
  if (filesResult.status === 'rejected') throw filesResult.reason;
  if (remoteResult.status === 'rejected') throw remoteResult.reason;
  const files = filesResult.value;
  const remote = remoteResult.value;
  let plan: SyncPlan<UploadFile>;
  try {
    plan = planSync({
      files,
      current: remote.current,
      existingObjects: new Set(
        remote.objects
          ? remote.objects.map((object) => object.sha256)
          : (remote.current?.manifest.files ?? []).map((file) => file.sha256),
      ),
      releaseId: options.releaseId,
      created: now(),
    });
  } catch (error) {
    throw new ActionError((error as Error).message, { title: 'Release already exists' });
  }
  const previousRelease = remote.pointer?.release;
  logger.info(
    plan.changed
      ? `Release ${plan.releaseId}: ${plan.changes.length} changed files, ${plan.uploads.length} objects to upload`
      : `No change: release ${plan.releaseId} is current`,
  );
  let published: PublishResult | undefined;
  if (!options.dryRun)
    published = await logger.group('Publish', () =>
      publish({
        store,
        layout,
        plan,
        pointerEtag: remote.pointerEtag,
        previousRelease,
        source: options.source,
        now,
        concurrency: options.concurrency ?? 16,
        logger,
      }),
    );
  const manifestKey = layout.manifestKey(plan.releaseId);
  const currentKey = published?.pointer?.manifest ?? (plan.changed ? manifestKey : remote.pointer?.manifest);
  const prune = await logger.group('Prune', async () => {
    const pruning = await planPrune({
      store,
      layout,
      keep: options.keepReleases,
      currentKey,
      publishing: {
        key: manifestKey,
        release: plan.releaseId,
        sha256s: plan.manifest.files.map((f) => f.sha256),
      },
      graceMs: options.pruneGraceMs,
      now,
      logger,
      releasesBefore: remote.releases,
      // Objects listed only for a dry run's plan are not swept: the dry run shows what a run prunes.
      objects: options.verifyObjects || !remote.current ? remote.objects : undefined,
      knownManifests: [
        ...(remote.current ? [remote.current.manifest] : []),
        ...(published?.pointerMoved ? [plan.manifest] : []),
      ],
    });
    if (!options.dryRun) await applyPrune(store, pruning, logger);
    return pruning;
  });
  return {
    plan,
    published,
    prune,
    previousRelease,
    releaseId: published?.pointer?.release ?? plan.releaseId,
    manifestKey:
      published?.pointer?.manifest ??
      (plan.changed ? manifestKey : (remote.pointer?.manifest ?? manifestKey)),
    changed: published ? published.pointerMoved : plan.changed,
    reused:
      plan.reused +
      (published ? plan.manifest.files.filter((file) => published.alreadyStored.has(file.sha256)).length : 0),
  };
}
