/**
 * The promotion's GitHub Deployment, when a token is given: created once the gate has passed
 * (a blocked promotion deploys nothing), then in_progress, then success or failure.
 * Creating it is required (nothing has moved yet, so failing is safe); later status updates
 * only warn, because the deployment they describe has already happened.
 */
import {
  GitHubDeployments,
  environmentUrl,
  runContextFromEnv,
  type DeploymentState,
} from '../../../src/shared/github/deployments';
import type { Logger } from '../../../src/shared/runtime/logger';

export interface GitHubRecord {
  id: number;
  environment: string;
  /** The environment's deployments page. */
  link: string;
  /** The last state set (and any status that could not be set). */
  state: DeploymentState;
  warning?: string;
}

export interface RecordRequest {
  token: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
}

/** Creates the deployment and marks it in_progress. */
export async function startRecord(
  request: RecordRequest,
  logger: Logger,
): Promise<{ record: GitHubRecord; client: GitHubDeployments }> {
  const context = runContextFromEnv(request.env);
  const client = new GitHubDeployments(request.token, context, request.fetchImpl);
  const deployment = await client.create({
    environment: request.environment,
    description: request.description,
    payload: request.payload,
  });
  logger.info(`GitHub deployment ${deployment.id} created for environment ${request.environment}`);
  const record: GitHubRecord = {
    id: deployment.id,
    environment: request.environment,
    link: environmentUrl(context, request.environment),
    state: 'in_progress',
  };
  await finishRecord(client, record, 'in_progress', request.description, logger);
  return { record, client };
}

/** Sets a status; a failure becomes a warning on the record. */
export async function finishRecord(
  client: GitHubDeployments,
  record: GitHubRecord,
  state: DeploymentState,
  description: string,
  logger: Logger,
): Promise<void> {
  try {
    await client.setStatus(record.id, state, description, record.environment);
    record.state = state;
  } catch (error) {
    record.warning = (error as Error).message;
    logger.warning(record.warning);
  }
}
