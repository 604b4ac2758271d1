import { GitHubDeployments, environmentUrl, runContextFromEnv, runUrl } from './deployments';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A stand-in for `fetch` that records requests and answers from a queue. */
function recordingFetch(answers: { status: number; body: unknown }[]) {
  const sent: Sent[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    sent.push({
      method: init.method ?? 'GET',
      url,
      headers: init.headers as Record<string, string>,
      body: JSON.parse(String(init.body)),
    });
    const answer = answers.shift() ?? { status: 500, body: { message: 'unexpected request' } };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as unknown as typeof fetch;
  return { sent, impl };
}

const env = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '42',
  GITHUB_SHA: 'abc123',
  GITHUB_SERVER_URL: 'https://github.example.com/',
  GITHUB_API_URL: 'https://github.example.com/api/v3/',
};

describe('runContextFromEnv', () => {
  it('defaults to github.com and trims trailing slashes', () => {
    expect(runContextFromEnv({ GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '1', GITHUB_SHA: 's' })).toEqual({
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
      repository: 'a/b',
      runId: '1',
      runAttempt: undefined,
      sha: 's',
    });
    expect(runContextFromEnv(env).apiUrl).toBe('https://github.example.com/api/v3');
  });
  it('refuses without a repository', () => {
    expect(() => runContextFromEnv({})).toThrow('GITHUB_REPOSITORY is not set');
  });
  it.each([
    [{ ...env }, 'https://github.example.com/acme/shop/actions/runs/42'],
    [{ ...env, GITHUB_RUN_ATTEMPT: '1' }, 'https://github.example.com/acme/shop/actions/runs/42'],
    [{ ...env, GITHUB_RUN_ATTEMPT: '3' }, 'https://github.example.com/acme/shop/actions/runs/42/attempts/3'],
  ])('links the run %#', (variables, expected) => {
    expect(runUrl(runContextFromEnv(variables))).toBe(expected);
  });
  it('links the environment page', () => {
    expect(environmentUrl(runContextFromEnv(env), 'prod eu')).toBe(
      'https://github.example.com/acme/shop/deployments/prod%20eu',
    );
  });
});

describe('GitHubDeployments', () => {
  it('creates a deployment of the run commit without status checks, then a status linking the run', async () => {
    const { sent, impl } = recordingFetch([
      {
        status: 201,
        body: { id: 77, url: 'https://github.example.com/api/v3/repos/acme/shop/deployments/77' },
      },
      { status: 201, body: { id: 1, state: 'in_progress' } },
    ]);
    const github = new GitHubDeployments('ghs_secret', runContextFromEnv(env), impl);
    const deployment = await github.create({
      environment: 'prod',
      description: 'Promote web:7 from stage to prod',
      payload: { taskDefinitionArn: 'arn:x' },
    });
    await github.setStatus(deployment.id, 'in_progress', 'Deploying', 'prod');
    expect(deployment).toEqual({
      id: 77,
      url: 'https://github.example.com/api/v3/repos/acme/shop/deployments/77',
    });
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://github.example.com/api/v3/repos/acme/shop/deployments',
      'POST https://github.example.com/api/v3/repos/acme/shop/deployments/77/statuses',
    ]);
    expect(sent[0].headers).toMatchObject({
      authorization: 'Bearer ghs_secret',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    });
    expect(sent[0].body).toEqual({
      ref: 'abc123',
      task: 'deploy',
      environment: 'prod',
      description: 'Promote web:7 from stage to prod',
      payload: { taskDefinitionArn: 'arn:x' },
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
    });
    expect(sent[1].body).toEqual({
      state: 'in_progress',
      description: 'Deploying',
      log_url: 'https://github.example.com/acme/shop/actions/runs/42',
      environment: 'prod',
      auto_inactive: true,
    });
  });

  it('cuts descriptions to the 140 characters GitHub accepts', async () => {
    const { sent, impl } = recordingFetch([{ status: 201, body: {} }]);
    await new GitHubDeployments('t', runContextFromEnv(env), impl).setStatus(
      1,
      'failure',
      'x'.repeat(200),
      'prod',
    );
    expect((sent[0].body as { description: string }).description).toHaveLength(140);
  });

  it.each([
    [
      403,
      { message: 'Resource not accessible by integration' },
      'HTTP 403: Resource not accessible by integration. Give the job `permissions: deployments: write`',
    ],
    [
      409,
      { message: 'Conflict: Commit status checks failed for main.' },
      'HTTP 409: Conflict: Commit status checks failed for main.',
    ],
    [502, 'Bad gateway', 'HTTP 502: "Bad gateway"'],
  ])('explains an HTTP %i', async (status, body, message) => {
    const { impl } = recordingFetch([{ status, body }]);
    const github = new GitHubDeployments('t', runContextFromEnv(env), impl);
    await expect(github.create({ environment: 'prod', description: 'd', payload: {} })).rejects.toThrow(
      `Could not create a GitHub deployment for prod: ${message}`,
    );
  });

  it('refuses an answer without a deployment id', async () => {
    const { impl } = recordingFetch([{ status: 202, body: { message: 'Auto-merged main into topic' } }]);
    await expect(
      new GitHubDeployments('t', runContextFromEnv(env), impl).create({
        environment: 'p',
        description: 'd',
        payload: {},
      }),
    ).rejects.toThrow('without an id');
  });

  it('says what it was doing when the network fails', async () => {
    const impl = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(
      new GitHubDeployments('t', runContextFromEnv(env), impl).setStatus(5, 'success', 'ok', 'prod'),
    ).rejects.toThrow('Could not set GitHub deployment 5 to success: fetch failed');
  });
});
