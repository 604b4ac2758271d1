/** Sharing the image with other accounts and copying it to other regions (once per fingerprint). */
import type { Image } from '@aws-sdk/client-ec2';
import { selectByFingerprint } from '../../../src/shared/ami/image-match';
import { copyImage, listBakedImages, shareImage } from '../../../src/shared/ami/images';
import { withContext } from '../../../src/shared/runtime';
import type { BakeAmiInputs } from './inputs';
import type { BakeEnvironment } from './bake';

export interface CopyResult {
  region: string;
  imageId?: string;
  /** True when a copy with this fingerprint already existed there. */
  existing: boolean;
}

/**
 * Shares the image (and copies) with `share-with`, and copies it to each `copy-to-regions`
 * region that has no image with this fingerprint yet (pending copies count, so a rerun does
 * not copy twice; a copy a killed run started but never tagged gets its tags now). Dry-run
 * only reports what exists.
 */
export async function distribute(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  image: Image | undefined,
  fingerprint: string,
): Promise<CopyResult[]> {
  const { clients, logger } = environment;
  if (image && !inputs.dryRun) await shareImage(clients.ec2, image, inputs.shareWith);
  const copies: CopyResult[] = [];
  for (const region of inputs.copyToRegions) {
    const ec2 = clients.ec2In(region);
    const there = await listBakedImages(ec2, inputs.namePrefix);
    const existing = selectByFingerprint(there, fingerprint);
    if (existing) {
      const copyId = existing.image.ImageId!;
      if (existing.incomplete && image && !inputs.dryRun) {
        await withContext(`tag image copy ${copyId} in ${region}`, () =>
          ec2.createTags({ Resources: [copyId], Tags: image.Tags ?? [] }),
        );
        logger.info(`Tagged copy ${copyId} in ${region}, left untagged by an interrupted run`);
      }
      copies.push({ region, imageId: copyId, existing: true });
      continue;
    }
    if (!image || inputs.dryRun) {
      copies.push({ region, existing: false });
      continue;
    }
    const copyId = await copyImage(ec2, image, inputs.region, region, image.Tags ?? []);
    logger.info(`Copying ${image.ImageId} to ${region} as ${copyId}`);
    try {
      await shareImage(ec2, { ImageId: copyId }, inputs.shareWith);
    } catch (error) {
      // A copy is pending for minutes; some accounts refuse launch permissions until it is available.
      logger.warning(
        `Could not share copy ${copyId} in ${region} yet: ${(error as Error).message}. Rerun once it is available.`,
      );
    }
    copies.push({ region, imageId: copyId, existing: false });
  }
  environment.output(
    'copied-amis',
    Object.fromEntries(copies.filter((copy) => copy.imageId).map((copy) => [copy.region, copy.imageId])),
  );
  return copies;
}
