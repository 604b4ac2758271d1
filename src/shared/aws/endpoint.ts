/**
 * The endpoint for one service from the standard variables: `AWS_ENDPOINT_URL_<SERVICE>` first,
 * then `AWS_ENDPOINT_URL`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true.
 * `serviceEnvId` is the SDK's service id upper-cased with spaces as underscores (e.g. `ECS`, `S3`,
 * `ELASTIC_LOAD_BALANCING_V2`, `CLOUDWATCH_LOGS`, `AUTO_SCALING`).
 */
export function resolveEndpoint(
  serviceEnvId: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  const specific = env[`AWS_ENDPOINT_URL_${serviceEnvId}`]?.trim();
  if (specific) return specific;
  const general = env.AWS_ENDPOINT_URL?.trim();
  return general || undefined;
}
