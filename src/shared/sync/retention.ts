/** A manifest as listed under `<prefix>/releases/`. */
export interface ListedRelease {
  key: string;
  release: string;
  lastModified: Date;
  /** The manifest's own creation time, when it records one (finer than LastModified). */
  created?: Date;
}

/** An object as listed under `<prefix>/objects/`. */
export interface ListedObject {
  key: string;
  sha256: string;
  lastModified: Date;
}

export interface RetentionInput {
  releases: readonly ListedRelease[];
  /** Manifests to keep besides the current one. */
  keep: number;
  /** The manifest key the pointer references (after this run). */
  currentKey?: string;
}

/**
 * Which manifests to keep: the newest `keep` (by creation time, else upload time, then key) and always the current
 * one. Pure; `drop` is sorted oldest first.
 */
export function selectReleases(input: RetentionInput): { keep: ListedRelease[]; drop: ListedRelease[] } {
  const age = (release: ListedRelease) => (release.created ?? release.lastModified).getTime();
  const newestFirst = [...input.releases].sort(
    (a, b) => age(b) - age(a) || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0),
  );
  const keep: ListedRelease[] = [];
  const drop: ListedRelease[] = [];
  newestFirst.forEach((release, index) =>
    (index < input.keep || release.key === input.currentKey ? keep : drop).push(release),
  );
  return { keep, drop: drop.reverse() };
}

export interface OrphanInput {
  objects: readonly ListedObject[];
  /** SHA-256s referenced by the kept manifests (and the one being published). */
  referenced: ReadonlySet<string>;
  now: Date;
  /**
   * Objects younger than this are kept even when unreferenced: a concurrent run may have
   * uploaded them and not yet written the manifest that references them.
   */
  graceMs: number;
}

/** Objects no kept manifest references and older than the grace period. Pure. */
export function selectOrphans(input: OrphanInput): ListedObject[] {
  return input.objects.filter(
    (object) =>
      !input.referenced.has(object.sha256) &&
      input.now.getTime() - object.lastModified.getTime() >= input.graceMs,
  );
}
