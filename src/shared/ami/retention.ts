/**
 * Which baked images to keep and which to prune, and which of their snapshots may go. Pure:
 * the caller gathers what references each image; this decides.
 */

export interface RetainedImage {
  imageId: string;
  name: string;
  creationDate: string;
  state: string;
  snapshots: string[];
}

export interface RetentionInput {
  /** The images of this name prefix (the candidates). */
  images: RetainedImage[];
  /** How many of the newest available images to keep regardless of use. */
  keep: number;
  /** Why an image is still in use (`launch template web default`, `instance i-…`), by image id. */
  references: Map<string, string[]>;
  /** Images never pruned whatever their age (the one this run built or matched). */
  protectedImageIds: string[];
  /** Snapshots used by any other image of the account, which must survive. */
  otherSnapshots: Set<string>;
  /** Newest slots already taken by an image not in `images` yet (a dry run's would-be build). */
  reservedSlots?: number;
}

export interface KeptImage {
  imageId: string;
  name: string;
  reasons: string[];
}

export interface PrunedImage {
  imageId: string;
  name: string;
  creationDate: string;
  /** Snapshots to delete after deregistering. */
  snapshots: string[];
  /** Snapshots left because a kept or other image still uses them. */
  sharedSnapshots: string[];
}

export interface RetentionPlan {
  kept: KeptImage[];
  pruned: PrunedImage[];
}

/** States in which an image is finished and may be pruned; others (pending…) are left alone. */
const PRUNABLE_STATES = new Set(['available', 'failed', 'error', 'invalid']);

/** Newest first: by creation date, then name (names carry the build time). */
export function newestFirst<T extends { creationDate: string; name: string }>(images: T[]): T[] {
  return [...images].sort(
    (a, b) => b.creationDate.localeCompare(a.creationDate) || b.name.localeCompare(a.name),
  );
}

/** Splits the images into kept (with every reason) and pruned (with deletable snapshots). */
export function planRetention(input: RetentionInput): RetentionPlan {
  const sorted = newestFirst(input.images);
  const newest = new Set(
    sorted
      .filter((image) => image.state === 'available')
      .slice(0, Math.max(0, input.keep - (input.reservedSlots ?? 0)))
      .map((image) => image.imageId),
  );
  const kept: KeptImage[] = [];
  const prunable: RetainedImage[] = [];
  for (const image of sorted) {
    const reasons = [
      ...(input.protectedImageIds.includes(image.imageId) ? ['built or matched by this run'] : []),
      ...(newest.has(image.imageId) ? [`one of the newest ${input.keep}`] : []),
      ...(input.references.get(image.imageId) ?? []),
      ...(PRUNABLE_STATES.has(image.state) ? [] : [`state ${image.state}`]),
    ];
    if (reasons.length > 0) kept.push({ imageId: image.imageId, name: image.name, reasons });
    else prunable.push(image);
  }
  const survivingSnapshots = new Set(input.otherSnapshots);
  for (const image of sorted)
    if (kept.some((entry) => entry.imageId === image.imageId))
      image.snapshots.forEach((id) => survivingSnapshots.add(id));
  const claimed = new Set<string>();
  const pruned = prunable.map((image) => {
    const snapshots = image.snapshots.filter((id) => !survivingSnapshots.has(id) && !claimed.has(id));
    snapshots.forEach((id) => claimed.add(id));
    return {
      imageId: image.imageId,
      name: image.name,
      creationDate: image.creationDate,
      snapshots,
      sharedSnapshots: image.snapshots.filter((id) => survivingSnapshots.has(id)),
    };
  });
  return { kept, pruned };
}
