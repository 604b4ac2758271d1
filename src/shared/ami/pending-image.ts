/**
 * Waiting for an image that is still being created: one a killed run's Packer left `pending`
 * (AWS finishes an image after the builder that asked for it is gone), or one a concurrent run
 * is building. Baking over it would pay for a second identical build and leave a duplicate.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { poll, type Clock } from '../aws/poll';
import { AwsCallError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import type { Ec2 } from './ec2/operations';

export interface PendingImageWait {
  /** Overall limit (ms); a `WaitTimeoutError` says which image is still pending. */
  timeout: number;
  /** Cap on the delay between polls (ms). */
  interval: number;
  clock?: Clock;
  logger: Logger;
}

/** What became of a pending image: available (reuse it), or gone or failed (build instead). */
export type PendingImageOutcome = { available: true; image: Image } | { available: false; reason: string };

/** The image as it is now, or undefined once it is deregistered or no longer exists. */
async function currentImage(ec2: Ec2, imageId: string): Promise<Image | undefined> {
  try {
    const found = await withContext(`describe image ${imageId}`, () =>
      ec2.describeImages({ ImageIds: [imageId] }),
    );
    return found.Images?.[0];
  } catch (error) {
    // DescribeImages by id answers NotFound (not an empty list) for an image that is gone.
    if (error instanceof AwsCallError && error.code === 'InvalidAMIID.NotFound') return undefined;
    throw error;
  }
}

/** Polls the image until it is no longer pending. */
export async function waitForPendingImage(
  ec2: Ec2,
  image: Image,
  options: PendingImageWait,
): Promise<PendingImageOutcome> {
  const id = image.ImageId!;
  return poll<PendingImageOutcome>({
    what: `image ${id} (${image.Name}) to become available`,
    interval: options.interval,
    timeout: options.timeout,
    clock: options.clock,
    logger: options.logger,
    check: async () => {
      const now = await currentImage(ec2, id);
      if (!now || now.State === 'deregistered')
        return { done: true, value: { available: false, reason: `${id} no longer exists` } };
      if (now.State === 'available') return { done: true, value: { available: true, image: now } };
      if (now.State !== 'pending') {
        const why = now.StateReason?.Message ? `: ${now.StateReason.Message}` : '';
        return { done: true, value: { available: false, reason: `${id} ended ${now.State}${why}` } };
      }
      return { done: false, progress: `${id} (${image.Name}) is still pending` };
    },
  });
}
