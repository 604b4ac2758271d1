import { InputError } from '../runtime/errors';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The region from the `region` input, else AWS_REGION, else AWS_DEFAULT_REGION. */
export function resolveRegion(input: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = input ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new InputError(
      'region',
      'is not set, and neither is AWS_REGION nor AWS_DEFAULT_REGION',
      'Set the region input or configure credentials with aws-actions/configure-aws-credentials first',
    );
  }
  if (!REGION_PATTERN.test(region)) {
    const from = input ? 'the region input' : env.AWS_REGION ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
    throw new InputError(
      'region',
      `is not a region name: '${region}' (from ${from})`,
      'Use a name such as eu-west-1',
    );
  }
  return region;
}
