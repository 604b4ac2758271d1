/**
 * The image a bake starts from: an SSM parameter (AWS publishes the recommended ECS-optimized
 * AMI as public parameters), the newest Amazon-owned image whose name matches a pattern, or an
 * explicit image id.
 */
import type { Image } from '@aws-sdk/client-ec2';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ActionError, InputError, withContext } from '../runtime/errors';
import type { Ec2 } from './ec2/operations';

export type BaseAmiSelector =
  | { kind: 'ssm'; parameter: string }
  | { kind: 'filter'; namePattern: string }
  | { kind: 'id'; imageId: string };

/** The resolved base image. */
export interface BaseAmi {
  imageId: string;
  name: string;
  /** How it was found, for the summary: `ssm:/aws/service/…`, `filter:…` or the id. */
  source: string;
  creationDate?: string;
}

export const DEFAULT_BASE_AMI = 'ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id';

const IMAGE_ID = /^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
// SSM parameter names: letters, digits and _.-/ ; a path starts with '/'. Up to 2048 characters.
const PARAMETER = /^\/?[A-Za-z0-9_.\-/]{1,2047}$/;
// EC2 name filters accept * and ? wildcards; AMI names use letters, digits and ()[] ./-'@_
const NAME_PATTERN = /^[A-Za-z0-9()[\] ./'@_*?-]{1,128}$/;

/** Parses the `base-ami` input; throws an `InputError` naming the value when it is none of the forms. */
export function parseBaseAmiSelector(value: string, input = 'base-ami'): BaseAmiSelector {
  const text = value.trim();
  const hint =
    'Use ssm:<parameter name> (e.g. ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id), ' +
    'filter:<image name pattern> (e.g. filter:al2023-ami-ecs-hvm-*-kernel-6.1-x86_64) or an image id such as ami-0123456789abcdef0';
  if (text.startsWith('ssm:')) {
    const parameter = text.slice(4).trim();
    if (!PARAMETER.test(parameter) || parameter.includes('//'))
      throw new InputError(input, `has an invalid SSM parameter name: '${value}'`, hint);
    return { kind: 'ssm', parameter };
  }
  if (text.startsWith('filter:')) {
    const namePattern = text.slice(7).trim();
    if (!NAME_PATTERN.test(namePattern))
      throw new InputError(input, `has an invalid image name pattern: '${value}'`, hint);
    return { kind: 'filter', namePattern };
  }
  if (IMAGE_ID.test(text)) return { kind: 'id', imageId: text };
  throw new InputError(input, `is not an SSM parameter, a name filter or an image id: '${value}'`, hint);
}

/**
 * Of images, the newest available one: latest CreationDate, then (for equal or missing dates)
 * the greatest name, since AWS puts the build date in the names of its images.
 */
export function newestImage(images: Image[]): Image | undefined {
  return images
    .filter((image) => image.State === 'available' && image.ImageId)
    .sort(
      (a, b) => compare(b.CreationDate ?? '', a.CreationDate ?? '') || compare(b.Name ?? '', a.Name ?? ''),
    )[0];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Finds the base image the selector names, and checks that it exists and is available. */
export async function resolveBaseAmi(
  selector: BaseAmiSelector,
  clients: { ec2: Ec2; ssm: SSMClient },
): Promise<BaseAmi> {
  if (selector.kind === 'filter') {
    const images = await withContext(`find images named ${selector.namePattern} owned by amazon`, () =>
      clients.ec2.describeImages({
        Owners: ['amazon'],
        Filters: [
          { Name: 'name', Values: [selector.namePattern] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    );
    const newest = newestImage(images.Images ?? []);
    if (!newest)
      throw new ActionError(`No available image owned by amazon is named like '${selector.namePattern}'`, {
        title: 'Base AMI not found',
      });
    return describe(newest, `filter:${selector.namePattern}`);
  }
  const imageId =
    selector.kind === 'id' ? selector.imageId : await parameterImageId(selector.parameter, clients.ssm);
  const source = selector.kind === 'id' ? imageId : `ssm:${selector.parameter}`;
  const found = await withContext(`describe base image ${imageId}`, () =>
    clients.ec2.describeImages({ ImageIds: [imageId] }),
  );
  const image = found.Images?.[0];
  if (!image)
    throw new ActionError(`Base image ${imageId} (${source}) does not exist`, {
      title: 'Base AMI not found',
    });
  if (image.State !== 'available')
    throw new ActionError(`Base image ${imageId} (${source}) is ${image.State ?? 'not available'}`, {
      title: 'Base AMI not available',
    });
  return describe(image, source);
}

async function parameterImageId(parameter: string, ssm: SSMClient): Promise<string> {
  const result = await withContext(`read SSM parameter ${parameter}`, () =>
    ssm.send(new GetParameterCommand({ Name: parameter })),
  );
  const value = result.Parameter?.Value?.trim() ?? '';
  // Some public parameters (…/recommended) hold a JSON document with an image_id field.
  const id = value.startsWith('{') ? jsonImageId(value) : value;
  if (!id || !IMAGE_ID.test(id))
    throw new ActionError(
      `SSM parameter ${parameter} does not hold an image id (it holds '${value.slice(0, 80)}')`,
      {
        title: 'Base AMI not found',
      },
    );
  return id;
}

function jsonImageId(value: string): string | undefined {
  try {
    const parsed = JSON.parse(value) as { image_id?: unknown };
    return typeof parsed.image_id === 'string' ? parsed.image_id : undefined;
  } catch {
    return undefined;
  }
}

function describe(image: Image, source: string): BaseAmi {
  return { imageId: image.ImageId!, name: image.Name ?? '', source, creationDate: image.CreationDate };
}
