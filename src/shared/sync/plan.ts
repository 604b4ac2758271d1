import { contentReleaseId, sameFiles, type Manifest, type ManifestFile } from './manifest';
import type { Pointer } from './pointer';
import { compareStrings } from './tree';

/** What the pointer references now, as read from S3. */
export interface CurrentRelease {
  pointer: Pointer;
  manifest: Manifest;
}

export interface PlanInput<F extends ManifestFile> {
  files: readonly F[];
  current?: CurrentRelease;
  /** SHA-256s of the objects already under `<prefix>/objects/`. */
  existingObjects: ReadonlySet<string>;
  /** The `release-id` input; derived from the content when unset. */
  releaseId?: string;
  /** The time recorded in a new manifest. */
  created: Date;
}

export type ChangeKind = 'added' | 'modified' | 'removed';

export interface FileChange {
  path: string;
  kind: ChangeKind;
  /** Size in the new release (the old one for removals). */
  size: number;
}

export interface SyncPlan<F extends ManifestFile> {
  /** The release nodes will apply after this run: the current one when nothing changed. */
  releaseId: string;
  /** Whether the pointer should move. */
  changed: boolean;
  manifest: Manifest;
  /** Files compared with the current release, sorted by path. */
  changes: FileChange[];
  unchanged: number;
  /** Files whose contents are not in S3 yet, one per distinct SHA-256. */
  uploads: F[];
  uploadBytes: number;
  /** Files whose object already exists. */
  reused: number;
}

/**
 * Decides what a sync does, from the local tree and what S3 holds. Pure. Throws an Error when
 * an explicit release id is already current with different content (releases are immutable).
 */
export function planSync<F extends ManifestFile>(input: PlanInput<F>): SyncPlan<F> {
  const { files, current, existingObjects } = input;
  const unchangedContent = current !== undefined && sameFiles(files, current.manifest.files);
  const releaseId = unchangedContent ? current.pointer.release : (input.releaseId ?? contentReleaseId(files));
  if (!unchangedContent && current && input.releaseId === current.pointer.release)
    throw new Error(
      `release '${releaseId}' is already current with different content; releases are immutable, so give a new release-id`,
    );
  const uploads: F[] = [];
  const planned = new Set<string>();
  let reused = 0;
  for (const file of files) {
    if (existingObjects.has(file.sha256)) reused++;
    else if (!planned.has(file.sha256)) {
      planned.add(file.sha256);
      uploads.push(file);
    }
  }
  const changes = diffFiles(current?.manifest.files ?? [], files);
  return {
    releaseId,
    changed: !unchangedContent,
    manifest: {
      release: releaseId,
      created: input.created.toISOString(),
      files: files.map(({ path, sha256, size, mode }) => ({ path, sha256, size, mode })),
    },
    changes,
    unchanged: files.length - changes.filter((change) => change.kind !== 'removed').length,
    uploads,
    uploadBytes: uploads.reduce((sum, file) => sum + file.size, 0),
    reused,
  };
}

/** Added, modified (content or mode) and removed paths between two file lists. */
export function diffFiles(before: readonly ManifestFile[], after: readonly ManifestFile[]): FileChange[] {
  const old = new Map(before.map((file) => [file.path, file]));
  const changes: FileChange[] = [];
  for (const file of after) {
    const previous = old.get(file.path);
    old.delete(file.path);
    if (!previous) changes.push({ path: file.path, kind: 'added', size: file.size });
    else if (previous.sha256 !== file.sha256 || previous.mode !== file.mode)
      changes.push({ path: file.path, kind: 'modified', size: file.size });
  }
  for (const file of old.values()) changes.push({ path: file.path, kind: 'removed', size: file.size });
  return changes.sort((a, b) => compareStrings(a.path, b.path));
}
