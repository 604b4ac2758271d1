import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { ActionError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';

/** An ECR image reference with a tag: registry host, account, region, repository, tag. */
export interface EcrImage {
  registryId: string;
  region: string;
  repository: string;
  tag: string;
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?$/;

/** Parses an ECR image reference that has a tag (or none, meaning latest) and no digest. */
export function parseEcrImage(image: string): EcrImage | undefined {
  const match = ECR_IMAGE.exec(image);
  if (!match) return undefined;
  return { registryId: match[1], region: match[2], repository: match[3], tag: match[4] ?? 'latest' };
}

/** `registry/repo:tag` → `registry/repo@sha256:…` */
export function withDigest(image: string, digest: string): string {
  return `${image.replace(/:[^:/@]+$/, '')}@${digest}`;
}

/**
 * Replaces the tag of every ECR image with the digest it points at now, so the revision is the
 * same bytes in every environment. Images outside ECR, or already pinned, are left alone.
 * `ecrFor(region)` gives a client for the image's region.
 */
export async function pinImageDigests(
  input: RegisterTaskDefinitionCommandInput,
  ecrFor: (region: string) => ECRClient,
  logger: Logger,
): Promise<{ container: string; from: string; to: string }[]> {
  const pinned: { container: string; from: string; to: string }[] = [];
  for (const container of input.containerDefinitions ?? []) {
    const image = container.image ?? '';
    const ecr = parseEcrImage(image);
    if (!ecr) {
      if (!image.includes('@'))
        logger.info(`pin-digests: ${container.name} uses ${image}, not an ECR image; left as is`);
      continue;
    }
    const response = await withContext(`resolve ${image} to a digest`, () =>
      ecrFor(ecr.region).send(
        new DescribeImagesCommand({
          registryId: ecr.registryId,
          repositoryName: ecr.repository,
          imageIds: [{ imageTag: ecr.tag }],
        }),
      ),
    );
    const digest = response.imageDetails?.[0]?.imageDigest;
    if (!digest) throw new ActionError(`ECR has no image ${image}`, { title: 'Image not found' });
    container.image = withDigest(image, digest);
    pinned.push({ container: container.name ?? '', from: image, to: container.image });
    logger.info(`pin-digests: ${container.name}: ${image} → ${container.image}`);
  }
  return pinned;
}
