/**
 * The images bake-ami manages: finding a prefix's images (see `imageOwnership`: by the
 * name-prefix tag, or by a name only bake-ami gives, never by a name pattern alone, so
 * `ecs-node` never touches `ecs-node-gpu` images), tagging an image with its snapshots,
 * sharing with other accounts and copying to other regions.
 */
import type { Image, Tag } from '@aws-sdk/client-ec2';
import type { Ec2 } from './ec2/operations';
import { ActionError, withContext } from '../runtime/errors';
import { imageOwnership } from './image-match';

export { tagValue } from './tags';

/**
 * Every image this account owns that belongs to `prefix`, in any state: those bake-ami tagged,
 * and those a run killed before tagging left (named by bake-ami, see `imageOwnership`).
 */
export async function listBakedImages(ec2: Ec2, prefix: string): Promise<Image[]> {
  const images: Image[] = [];
  let token: string | undefined;
  do {
    // By name only: an image Packer built but bake-ami never tagged has no prefix tag to filter
    // on. The name pattern also matches other prefixes (`ecs-node-gpu-…`); imageOwnership drops them.
    const page = await withContext(`list images named ${prefix}-*`, () =>
      ec2.describeImages({
        Owners: ['self'],
        Filters: [{ Name: 'name', Values: [`${prefix}-*`] }],
        MaxResults: 1000,
        NextToken: token,
      }),
    );
    images.push(...(page.Images ?? []).filter((image) => imageOwnership(image, prefix) !== undefined));
    token = page.NextToken;
  } while (token);
  return images;
}

/** Every image this account owns, for finding snapshots still in use. */
export async function listOwnImages(ec2: Ec2): Promise<Image[]> {
  const images: Image[] = [];
  let token: string | undefined;
  do {
    const page = await withContext('list the images this account owns', () =>
      ec2.describeImages({ Owners: ['self'], MaxResults: 1000, NextToken: token }),
    );
    images.push(...(page.Images ?? []));
    token = page.NextToken;
  } while (token);
  return images;
}

/** The EBS snapshots behind an image's block devices. Pure. */
export function imageSnapshots(image: Image): string[] {
  return (image.BlockDeviceMappings ?? [])
    .map((mapping) => mapping.Ebs?.SnapshotId)
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

/** Reads one image by id; throws when it does not exist. */
export async function describeImage(ec2: Ec2, imageId: string): Promise<Image> {
  const result = await withContext(`describe image ${imageId}`, () =>
    ec2.describeImages({ ImageIds: [imageId] }),
  );
  const image = result.Images?.[0];
  if (!image) throw new ActionError(`Image ${imageId} does not exist`, { title: 'Image not found' });
  return image;
}

/** Tags an image and its snapshots in one call. */
export async function tagImage(ec2: Ec2, image: Image, tags: Tag[]): Promise<void> {
  const resources = [image.ImageId!, ...imageSnapshots(image)];
  await withContext(`tag image ${image.ImageId} and its snapshots`, () =>
    ec2.createTags({ Resources: resources, Tags: tags }),
  );
}

/**
 * Lets other accounts launch the image, and create volumes from its snapshots so they can copy
 * it too (a launch permission alone does not allow CopyImage from another account).
 */
export async function shareImage(ec2: Ec2, image: Image, accounts: string[]): Promise<void> {
  if (accounts.length === 0) return;
  await withContext(`share image ${image.ImageId} with ${accounts.join(', ')}`, () =>
    ec2.modifyImageAttribute({
      ImageId: image.ImageId,
      LaunchPermission: { Add: accounts.map((UserId) => ({ UserId })) },
    }),
  );
  for (const snapshot of imageSnapshots(image)) {
    await withContext(`share snapshot ${snapshot} with ${accounts.join(', ')}`, () =>
      ec2.modifySnapshotAttribute({
        SnapshotId: snapshot,
        Attribute: 'createVolumePermission',
        OperationType: 'add',
        UserIds: accounts,
      }),
    );
  }
}

/**
 * Starts a copy of the image in another region (the client is that region's) and tags it.
 * The copy becomes available asynchronously; it is shared once it exists.
 */
export async function copyImage(
  target: Ec2,
  image: Image,
  sourceRegion: string,
  targetRegion: string,
  tags: Tag[],
): Promise<string> {
  const copy = await withContext(`copy image ${image.ImageId} to ${targetRegion}`, () =>
    target.copyImage({
      SourceImageId: image.ImageId,
      SourceRegion: sourceRegion,
      Name: image.Name,
      Description: image.Description,
    }),
  );
  const copyId = copy.ImageId!;
  await withContext(`tag image copy ${copyId} in ${targetRegion}`, () =>
    target.createTags({ Resources: [copyId], Tags: tags }),
  );
  return copyId;
}
