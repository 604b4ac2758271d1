/**
 * Which images belong to a name prefix and which one a run with a given fingerprint reuses. Pure.
 *
 * bake-ami adds its own tags (name prefix, build time, source commit…) after Packer exits. A run
 * killed in between leaves an image tagged only as the template tags it, perhaps not at all, but
 * named by bake-ami: `<prefix>-<YYYYMMDD>-<HHMMSS>-<fingerprint[0:12]>`. That name is the
 * action's (it chooses `ami_name`) and no other prefix can produce it (the suffix has a fixed
 * shape, so `ecs-node` never claims `ecs-node-gpu-…`), so such an image still belongs to the
 * prefix: the re-run reuses it instead of baking again, and pruning sees it.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { parseAmiName, shortFingerprint } from './fingerprint';
import { TAG, tagValue } from './tags';

/**
 * How an image belongs to `prefix`: `tagged` (it carries the prefix tag), `named` (no prefix tag,
 * but named by bake-ami for this prefix, with no fingerprint tag that contradicts its name), or
 * undefined (not this prefix's).
 */
export type Ownership = 'tagged' | 'named';

/** See `Ownership`. */
export function imageOwnership(image: Image, prefix: string): Ownership | undefined {
  const taggedPrefix = tagValue(image.Tags, TAG.namePrefix);
  if (taggedPrefix !== undefined) return taggedPrefix === prefix ? 'tagged' : undefined;
  const name = parseAmiName(image.Name);
  if (name?.prefix !== prefix) return undefined;
  const fingerprint = tagValue(image.Tags, TAG.fingerprint);
  if (fingerprint !== undefined && shortFingerprint(fingerprint) !== name.shortFingerprint) return undefined;
  return 'named';
}

/**
 * Whether the image was built with `fingerprint`: by its fingerprint tag, or, for a template that
 * does not tag it, by the short fingerprint in a bake-ami name.
 */
export function carriesFingerprint(image: Image, fingerprint: string): boolean {
  const tagged = tagValue(image.Tags, TAG.fingerprint);
  if (tagged !== undefined) return tagged === fingerprint;
  return parseAmiName(image.Name)?.shortFingerprint === shortFingerprint(fingerprint);
}

/**
 * Whether bake-ami finished tagging the image. It writes the prefix and build-time tags in the
 * one call that tags after Packer; templates cannot know the build time, so an image without it
 * was left by a run that ended between Packer and tagging.
 */
export function taggingComplete(image: Image): boolean {
  return (
    tagValue(image.Tags, TAG.namePrefix) !== undefined && tagValue(image.Tags, TAG.buildTime) !== undefined
  );
}

/** The image a run with some fingerprint reuses, and what is left to do with it. */
export interface FingerprintMatch {
  image: Image;
  /** Still being created (by a killed run's Packer, or one still running): wait before using it. */
  pending: boolean;
  /** bake-ami's tags are missing (see `taggingComplete`): complete them before using it. */
  incomplete: boolean;
}

/** Image states a run may reuse; failed, error, invalid and deregistered images never match. */
const REUSABLE = ['available', 'pending'];

/**
 * The image to reuse for `fingerprint` among a prefix's images: available before pending, then
 * completely tagged before one a killed run left, then the newest. Undefined when none carries
 * the fingerprint.
 */
export function selectByFingerprint(images: Image[], fingerprint: string): FingerprintMatch | undefined {
  const rank = (image: Image) => [REUSABLE.indexOf(image.State ?? ''), taggingComplete(image) ? 0 : 1];
  const best = images
    .filter((image) => REUSABLE.includes(image.State ?? '') && carriesFingerprint(image, fingerprint))
    .sort((a, b) => {
      const [stateA, tagsA] = rank(a);
      const [stateB, tagsB] = rank(b);
      return (
        stateA - stateB ||
        tagsA - tagsB ||
        (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '') ||
        (b.Name ?? '').localeCompare(a.Name ?? '')
      );
    })[0];
  return best && { image: best, pending: best.State === 'pending', incomplete: !taggingComplete(best) };
}
