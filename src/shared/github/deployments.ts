/**
 * GitHub Deployments over the REST API with plain `fetch` (no Octokit: it would add hundreds of
 * kilobytes to every bundle that records a deployment). One deployment per promotion, then
 * statuses in_progress → success | failure, each linking the workflow run.
 */
import { ActionError } from '../runtime/errors';

/** Where the run lives, from the variables the runner sets. */
export interface GitHubRunContext {
  /** REST API root: GITHUB_API_URL, https://api.github.com by default (GHES sets its own). */
  apiUrl: string;
  serverUrl: string;
  /** owner/name */
  repository: string;
  runId: string;
  runAttempt?: string;
  sha: string;
}

/** Reads the run context from the runner's variables; throws when the repository is unknown. */
export function runContextFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubRunContext {
  const repository = env.GITHUB_REPOSITORY;
  if (!repository || !repository.includes('/'))
    throw new ActionError('GITHUB_REPOSITORY is not set, so no GitHub deployment can be recorded', {
      title: 'GitHub deployment',
    });
  return {
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    repository,
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    sha: env.GITHUB_SHA ?? '',
  };
}

/** The link to this workflow run (and attempt) that every status carries. */
export function runUrl(context: GitHubRunContext): string {
  const base = `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
  return context.runAttempt && context.runAttempt !== '1' ? `${base}/attempts/${context.runAttempt}` : base;
}

/** The page listing an environment's deployments, for the job summary. */
export function environmentUrl(context: GitHubRunContext, environment: string): string {
  return `${context.serverUrl}/${context.repository}/deployments/${encodeURIComponent(environment)}`;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface CreateDeployment {
  environment: string;
  /** Commit, branch or tag; defaults to the run's commit. */
  ref?: string;
  description: string;
  payload: Record<string, unknown>;
  productionEnvironment?: boolean;
}

export interface Deployment {
  id: number;
  /** The API URL of the deployment. */
  url: string;
}

type Fetch = typeof fetch;

/** Records deployments and their statuses for one repository. */
export class GitHubDeployments {
  private readonly fetch: Fetch;

  constructor(
    private readonly token: string,
    readonly context: GitHubRunContext,
    fetchImpl: Fetch = fetch,
  ) {
    this.fetch = fetchImpl;
  }

  /** Creates a deployment. Commit status checks are skipped: the alarm gate is this deployment's check. */
  async create(request: CreateDeployment): Promise<Deployment> {
    const body = await this.request(
      'POST',
      `/repos/${this.context.repository}/deployments`,
      {
        ref: request.ref ?? this.context.sha,
        task: 'deploy',
        environment: request.environment,
        description: truncate(request.description),
        payload: request.payload,
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        ...(request.productionEnvironment === undefined
          ? {}
          : { production_environment: request.productionEnvironment }),
      },
      `create a GitHub deployment for ${request.environment}`,
    );
    const { id, url } = body as { id?: number; url?: string };
    if (typeof id !== 'number')
      throw new ActionError(`GitHub answered the deployment request without an id: ${JSON.stringify(body)}`, {
        title: 'GitHub deployment',
      });
    return { id, url: url ?? '' };
  }

  /** Adds a status linking this run (`log_url`); `auto_inactive` retires older deployments on success. */
  async setStatus(
    deploymentId: number,
    state: DeploymentState,
    description: string,
    environment: string,
  ): Promise<void> {
    await this.request(
      'POST',
      `/repos/${this.context.repository}/deployments/${deploymentId}/statuses`,
      {
        state,
        description: truncate(description),
        log_url: runUrl(this.context),
        environment,
        auto_inactive: true,
      },
      `set GitHub deployment ${deploymentId} to ${state}`,
    );
  }

  private async request(method: string, path: string, body: unknown, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetch(`${this.context.apiUrl}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.token}`,
          'content-type': 'application/json',
          'user-agent': 'ecs-release-actions',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new ActionError(`Could not ${what}: ${(error as Error).message}`, {
        title: 'GitHub API request failed',
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok)
      throw new ActionError(`Could not ${what}: ${describeFailure(response.status, text)}`, {
        title: 'GitHub API request failed',
      });
    return text ? (JSON.parse(text) as unknown) : {};
  }
}

function describeFailure(status: number, text: string): string {
  let message = text.slice(0, 300);
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  const hint =
    status === 403 || status === 404
      ? ". Give the job `permissions: deployments: write` and pass a token that can write this repository's deployments"
      : '';
  return `HTTP ${status}: ${message}${hint}`;
}

/** GitHub limits descriptions to 140 characters. */
function truncate(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}
