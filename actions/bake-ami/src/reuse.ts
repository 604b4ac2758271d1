/**
 * The image a run reuses instead of building: an available image of the prefix with this
 * fingerprint. One a killed run left behind is adopted too: waited for while still pending,
 * then given the tags bake-ami would have added after Packer.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { describeImage, tagImage } from '../../../src/shared/ami/images';
import { selectByFingerprint } from '../../../src/shared/ami/image-match';
import { waitForPendingImage } from '../../../src/shared/ami/pending-image';
import { parseAmiName } from '../../../src/shared/ami/fingerprint';
import { buildTags } from '../../../src/shared/ami/tags';
import type { BaseAmi } from '../../../src/shared/ami/base-ami';
import type { PlaybooksRelease } from '../../../src/shared/ami/playbooks-release';
import { WaitTimeoutError } from '../../../src/shared/runtime';
import type { BakeAmiInputs } from './inputs';
import type { BakeEnvironment } from './bake';

/**
 * How long a run waits for a pending image with its fingerprint. Creating an AMI of a 30 GiB
 * root volume usually takes a few minutes, the first snapshot of a volume much longer; past
 * this the run fails saying which image it waited for rather than baking a duplicate.
 */
export const PENDING_IMAGE_TIMEOUT = 30 * 60_000;
const PENDING_IMAGE_POLL = 15_000;

/** What the image is made of, for its tags. */
export interface ImageOrigin {
  fingerprint: string;
  baseAmi: BaseAmi;
  playbooks?: PlaybooksRelease;
}

/** An image this run reuses. */
export interface ReusedImage {
  image: Image;
  /** A killed run left it: this run waited for it and/or completed its tags (or would, in a dry run). */
  adopted: boolean;
}

/**
 * Tags an image and its snapshots as bake-ami does after Packer, and returns the image with
 * those tags merged in.
 */
export async function tagBakedImage(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  origin: ImageOrigin,
  image: Image,
  buildTime: Date,
): Promise<Image> {
  const tags = buildTags({
    namePrefix: inputs.namePrefix,
    fingerprint: origin.fingerprint,
    baseAmiId: origin.baseAmi.imageId,
    baseAmiName: origin.baseAmi.name,
    playbooksRelease: origin.playbooks?.release,
    sourceCommit: environment.env.GITHUB_SHA,
    sourceRepository: environment.env.GITHUB_REPOSITORY,
    buildTime,
  });
  const described = await describeImage(environment.clients.ec2, image.ImageId!);
  await tagImage(environment.clients.ec2, described, tags);
  const untouched = (described.Tags ?? []).filter((tag) => !tags.some((own) => own.Key === tag.Key));
  return { ...described, Tags: [...untouched, ...tags] };
}

/**
 * Waits for a pending match; undefined when it failed or disappeared (the run builds instead).
 * A dry run does not wait: it reports the image it would wait for.
 */
async function awaitPending(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  image: Image,
): Promise<Image | undefined> {
  const { logger } = environment;
  if (inputs.dryRun) {
    logger.info(
      `Image ${image.ImageId} (${image.Name}) with this fingerprint is still pending: a run would wait for it`,
    );
    return image;
  }
  logger.info(
    `Image ${image.ImageId} (${image.Name}) with this fingerprint is still pending (a run that was interrupted, or one still running, is creating it): waiting up to ${PENDING_IMAGE_TIMEOUT / 60_000} min instead of baking a duplicate`,
  );
  const outcome = await waitForPendingImage(environment.clients.ec2, image, {
    timeout: PENDING_IMAGE_TIMEOUT,
    interval: PENDING_IMAGE_POLL,
    clock: environment.clock,
    logger,
  }).catch((error: unknown) => {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw new WaitTimeoutError(
      `${error.message}. An interrupted run (or one still running) is creating it with this fingerprint: re-run once it is available, or deregister it to bake a new image`,
    );
  });
  if (outcome.available) return outcome.image;
  logger.warning(`Not reusing ${image.ImageId}: ${outcome.reason}. Building a new image.`);
  return undefined;
}

/**
 * The image with this fingerprint among the prefix's images, ready to use: waited for if
 * pending, its tags completed if a killed run left it untagged. Undefined when there is none
 * (or the pending one failed): the run builds.
 */
export async function findReusableImage(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  origin: ImageOrigin,
  baked: Image[],
): Promise<ReusedImage | undefined> {
  const { logger } = environment;
  const match = selectByFingerprint(baked, origin.fingerprint);
  if (!match) return undefined;
  const image = match.pending ? await awaitPending(inputs, environment, match.image) : match.image;
  if (!image) return undefined;
  logger.info(
    `Image ${image.ImageId} (${image.Name}) already has fingerprint ${origin.fingerprint}: not running Packer`,
  );
  if (!match.incomplete) return { image, adopted: match.pending };
  if (inputs.dryRun) {
    logger.info(
      `${image.ImageId} was left by an interrupted run without bake-ami's tags: a run would add them`,
    );
    return { image, adopted: true };
  }
  // The build time is the one the interrupted run put in the name; the source commit and
  // repository are this run's, which built nothing different (the fingerprint is the same).
  const buildTime = parseAmiName(image.Name)?.buildTime ?? new Date(image.CreationDate ?? environment.now());
  const tagged = await tagBakedImage(inputs, environment, origin, image, buildTime);
  logger.info(
    `Adopted ${image.ImageId} (${image.Name}) from an interrupted run: Packer had built it but the run ended before tagging it; added bake-ami's tags to it and its snapshots`,
  );
  return { image: tagged, adopted: true };
}
