/**
 * Two deployers on one service, against a scripted cluster (ECS API reference shapes) and a fake
 * clock: we wait for a deployment someone else has in flight before updating (and change nothing
 * if it never settles), and we never roll back a deployment that replaced ours.
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { ActionError } from '../runtime/errors';
import { MemoryLogger } from '../runtime/logger';
import { deployRevision, renderDeployResult, type DeployRevisionOptions } from './deploy-revision';
import { FakeCluster, fakeClock, rev, type FakeService } from './testing/fake-cluster';

const ecsMock = mockClient(ECSClient);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const clients = { ecs: new ECSClient({}), elbv2: new ElasticLoadBalancingV2Client({}) };

let clock: ReturnType<typeof fakeClock>;
let cluster: FakeCluster;
let logger: MemoryLogger;

beforeEach(() => {
  ecsMock.reset();
  elbMock.reset();
  clock = fakeClock();
  cluster = new FakeCluster(clock);
  logger = new MemoryLogger();
  cluster.install(ecsMock, elbMock);
});

afterEach(() => jest.restoreAllMocks());

function options(overrides: Partial<DeployRevisionOptions> = {}): DeployRevisionOptions {
  return {
    cluster: 'prod',
    services: ['web'],
    taskDefinitionArn: rev(2),
    wait: true,
    timeout: 5 * 60_000,
    pollInterval: 10_000,
    rollback: 'auto',
    clock,
    logger,
    ...overrides,
  };
}

/** web on rev(1) with someone else's deployment of `revision` in flight. */
function serviceRollingOut(revision: string, script: FakeService['script']): FakeService {
  const service = cluster.addService('web', rev(1), { script });
  cluster.foreignUpdate(service, revision);
  return service;
}

/** Completes the PRIMARY deployment of `revision` once it has been polled `polls` times. */
function completes(revision: string, polls: number): FakeService['script'] {
  const seen = new Map<string, number>();
  return (service, _poll, c) => {
    const primary = service.deployments[0];
    if (primary.taskDefinition !== revision || primary.rolloutState !== 'IN_PROGRESS') return;
    const n = (seen.get(primary.id ?? '') ?? 0) + 1;
    seen.set(primary.id ?? '', n);
    if (n >= polls) c.complete(service);
  };
}

/** Runs every script in turn. */
const all =
  (...scripts: FakeService['script'][]): FakeService['script'] =>
  (service, poll, c) =>
    scripts.forEach((script) => script?.(service, poll, c));

describe('a deployment someone else has in flight', () => {
  it('is waited for before we update the service, then we deploy', async () => {
    const service = serviceRollingOut(rev(3), all(completes(rev(3), 4), completes(rev(2), 2)));
    const foreign = service.deployments[0].id;
    const result = await deployRevision(clients, options());
    expect(result.services[0]).toMatchObject({
      outcome: 'deployed',
      previousTaskDefinitionArn: rev(3),
      taskDefinitionArn: rev(2),
    });
    expect(logger.lines).toContain(
      `Service web is rolling out ${foreign} (revision web:3) started by someone else; waiting for it to finish before deploying`,
    );
    expect(logger.lines).toContain(`web: settled on web:3 (${foreign}, COMPLETED); deploying now`);
    // The update came only after the other deployment completed.
    const updateAt = logger.lines.findIndex((line) =>
      /^web: deployment .* started: web:3 → web:2$/.test(line),
    );
    expect(updateAt).toBeGreaterThan(logger.lines.findIndex((line) => line.startsWith('web: settled on')));
    expect(cluster.updates.map((u) => u.taskDefinition)).toEqual([rev(2)]);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(10_000);
  });

  it('that never settles fails the run after the timeout, naming it, having changed nothing', async () => {
    const service = serviceRollingOut(rev(3), (s, _poll, c) => {
      if (s.deployments[0].taskDefinition === rev(3)) c.failTask(s, 1);
    });
    service.deploymentConfiguration.deploymentCircuitBreaker = { enable: true, rollback: true };
    const foreign = service.deployments[0].id;
    const run = deployRevision(clients, options({ timeout: 60_000 }));
    await expect(run).rejects.toThrow(ActionError);
    await expect(run).rejects.toMatchObject({
      title: 'Deployment in progress',
      message: expect.stringMatching(
        new RegExp(
          `^Not deploying: after waiting 1m, a deployment started by someone else is still in progress on service web \\(${foreign} \\(revision web:3\\), 0/2 running, 2 pending, \\d+ failed\\)\\. Nothing was changed`,
        ),
      ),
    });
    expect(cluster.updates).toHaveLength(0);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(60_000);
  });

  it('that ECS rolls back counts as settled once the rollback completes', async () => {
    const service = serviceRollingOut(rev(3), (s, _poll, c) => {
      const primary = s.deployments[0];
      if (primary.taskDefinition === rev(3) && primary.rolloutState === 'IN_PROGRESS') {
        if ((primary.failedTasks ?? 0) < 2) return c.failTask(s, 1);
        primary.rolloutState = 'FAILED';
        primary.status = 'ACTIVE';
        s.deployments.unshift(c.deployment(s, rev(1)));
      } else if (primary.taskDefinition !== rev(3) && primary.rolloutState === 'IN_PROGRESS') c.complete(s);
    });
    service.deploymentConfiguration.deploymentCircuitBreaker = { enable: true, rollback: true };
    const result = await deployRevision(clients, options());
    expect(result.services[0]).toMatchObject({ outcome: 'deployed', previousTaskDefinitionArn: rev(1) });
    expect(
      logger.lines.some((l) =>
        /^web: now rolling out ecs-svc\/\d+ \(revision web:1\); still waiting$/.test(l),
      ),
    ).toBe(true);
    expect(cluster.updates.map((u) => u.taskDefinition)).toEqual([rev(2)]);
  });

  it('that FAILED without a rollback is settled: we deploy over it at once', async () => {
    const service = serviceRollingOut(rev(3), completes(rev(2), 1));
    Object.assign(service.deployments[0], { rolloutState: 'FAILED', failedTasks: 3 });
    const result = await deployRevision(clients, options());
    expect(result.services[0].outcome).toBe('deployed');
    expect(logger.lines.some((l) => l.includes('waiting for it to finish'))).toBe(false);
  });

  it('without a rollout state (another controller) is in flight while two deployments remain', async () => {
    const service = serviceRollingOut(rev(3), (s, poll, c) => {
      if (s.deployments[0].taskDefinition === rev(3) && poll >= 3) c.complete(s);
      if (s.deployments[0].taskDefinition === rev(2)) c.complete(s);
      s.deployments.forEach((d) => delete d.rolloutState);
    });
    service.deployments.forEach((d) => delete d.rolloutState);
    const result = await deployRevision(clients, options());
    expect(result.services[0]).toMatchObject({ outcome: 'deployed', previousTaskDefinitionArn: rev(3) });
    expect(logger.lines.some((l) => l.startsWith('Service web is rolling out'))).toBe(true);
  });

  it('of our own revision is waited for, and then there is nothing left to do', async () => {
    serviceRollingOut(rev(2), completes(rev(2), 3));
    const result = await deployRevision(clients, options());
    expect(result.services[0].outcome).toBe('unchanged');
    expect(cluster.updates).toHaveLength(0);
  });

  it('is waited for on every service before any is updated', async () => {
    const web = serviceRollingOut(rev(3), all(completes(rev(3), 3), completes(rev(2), 1)));
    const foreign = web.deployments[0];
    cluster.addService('api', rev(1), { script: completes(rev(2), 1) });
    const seen: string[] = [];
    const send = clients.ecs.send.bind(clients.ecs);
    jest.spyOn(clients.ecs, 'send').mockImplementation(async (command: unknown) => {
      if (command instanceof UpdateServiceCommand)
        seen.push(`${command.input.service} after web:3 ${foreign.rolloutState}`);
      return send(command as never);
    });
    const result = await deployRevision(clients, options({ services: ['web', 'api'] }));
    expect(result.ok).toBe(true);
    expect(seen.sort()).toEqual(['api after web:3 COMPLETED', 'web after web:3 COMPLETED']);
  });
});

describe('another deployment replacing ours while we wait', () => {
  /** Someone deploys rev(3) at poll `at` of our rollout; ours completes at poll `completeAt`. */
  function replacedAt(at: number, completeAt = Infinity): FakeService['script'] {
    return (service, poll, c) => {
      const primary = service.deployments[0];
      if (primary.taskDefinition === rev(2) && poll >= completeAt && primary.rolloutState === 'IN_PROGRESS') {
        primary.rolloutState = 'COMPLETED';
        c.startTasks(service, 2);
      }
      if (primary.taskDefinition === rev(2) && poll === at) c.foreignUpdate(service, rev(3));
    };
  }

  it.each([
    ['with service deployments (STOPPED)', true],
    ['from DescribeServices alone', false],
  ])('superseded in flight: a distinct failure, nothing rolled back (%s)', async (_how, offered) => {
    cluster.offerServiceDeployments = offered;
    cluster.addService('web', rev(1), { script: replacedAt(3) });
    const result = await deployRevision(clients, options());
    const [web] = result.services;
    const other = cluster.services.get('web')?.deployments[0].id;
    expect(result.ok).toBe(false);
    expect(web.outcome).toBe('superseded');
    expect(web.reason).toBe(
      `another deployment (${other}, web:3) replaced ours (${web.deploymentId}) before it finished; nothing was rolled back`,
    );
    expect(web.replacedBy).toEqual({ deploymentId: other, taskDefinitionArn: rev(3) });
    expect(web.rollback).toBeUndefined();
    expect(cluster.updates.map((u) => u.taskDefinition)).toEqual([rev(2)]);
    if (offered) expect(web.serviceDeployment?.status).toBe('STOPPED');
    expect(renderDeployResult(result)).toContain('superseded by another deployment (not rolled back)');
    expect(renderDeployResult(result)).not.toMatch(/rolled back by ECS|Rollback to/);
  });

  it.each([
    ['with service deployments (SUCCESSFUL)', true],
    ['from DescribeServices alone', false],
  ])('after ours completed: deployed, with a note that it was since replaced (%s)', async (_how, offered) => {
    cluster.offerServiceDeployments = offered;
    // Someone else's poll saw ours complete and they deployed before our next poll.
    cluster.addService('web', rev(1), { script: replacedAt(2, 2) });
    const result = await deployRevision(clients, options());
    const [web] = result.services;
    const other = cluster.services.get('web')?.deployments[0].id;
    expect(result.ok).toBe(true);
    expect(web).toMatchObject({
      outcome: 'deployed',
      replacedBy: { deploymentId: other, taskDefinitionArn: rev(3) },
    });
    expect(web.reason).toBeUndefined();
    if (offered) expect(web.serviceDeployment?.status).toBe('SUCCESSFUL');
    expect(logger.lines).toContain(`warning: web: deployed web:2; since replaced by ${other} running web:3`);
    expect(renderDeployResult(result)).toContain(
      `web: deployed \`web:2\`; since replaced by \`${other}\` running \`web:3\``,
    );
    expect(cluster.updates).toHaveLength(1);
  });
});
