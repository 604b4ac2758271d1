/**
 * Rollout scenarios the emulator cannot show, against a scripted cluster (ECS API reference
 * shapes) and a fake clock: slow rollouts, unplaceable tasks, unhealthy targets, timeouts,
 * throttling while waiting, ECS's own rollback, crash loops, many services.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryLogger } from '../runtime/logger';
import { shortArn } from './service-state';
import { deployRevision, rollBackServices, type DeployRevisionOptions } from './deploy-revision';
import { FakeCluster, fakeClock, rev, type FakeService } from './testing/fake-cluster';

const ecsMock = mockClient(ECSClient);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const cwMock = mockClient(CloudWatchClient);
const clients = {
  ecs: new ECSClient({}),
  elbv2: new ElasticLoadBalancingV2Client({}),
  cloudwatch: new CloudWatchClient({}),
};
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/abc';

let clock: ReturnType<typeof fakeClock>;
let cluster: FakeCluster;
let logger: MemoryLogger;

beforeEach(() => {
  ecsMock.reset();
  elbMock.reset();
  cwMock.reset();
  clock = fakeClock();
  cluster = new FakeCluster(clock);
  logger = new MemoryLogger();
  cluster.install(ecsMock, elbMock);
});

function options(overrides: Partial<DeployRevisionOptions> = {}): DeployRevisionOptions {
  return {
    cluster: 'prod',
    services: ['web'],
    taskDefinitionArn: rev(2),
    wait: true,
    timeout: 10 * 60_000,
    pollInterval: 10_000,
    rollback: 'auto',
    clock,
    logger,
    ...overrides,
  };
}

/** A script that completes the rollout on poll `n`, starting tasks on the way. */
const completesAfter =
  (n: number): FakeService['script'] =>
  (service, poll, c) => {
    if (poll < n) {
      if (poll === 1) c.startTasks(service, 1);
      return;
    }
    if (service.deployments[0].rolloutState === 'IN_PROGRESS') c.complete(service);
  };

describe('deployRevision', () => {
  it('follows a slow rollout to completion, never sleeping longer than the poll interval', async () => {
    cluster.addService('web', rev(1), { script: completesAfter(30) });
    const result = await deployRevision(clients, options());
    expect(result.ok).toBe(true);
    expect(result.services[0]).toMatchObject({
      outcome: 'deployed',
      previousTaskDefinitionArn: rev(1),
      taskDefinitionArn: rev(2),
    });
    expect(Math.max(...clock.sleeps)).toBe(10_000);
    expect(clock.sleeps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(logger.lines).toContain('web: 1/2 running, 1 pending (IN_PROGRESS)');
    expect(logger.lines).toContain('web: (service web) has reached a steady state.');
  });

  it('fails when tasks cannot be placed, then puts the service back on its previous revision', async () => {
    cluster.addService('web', rev(1), {
      script: (service, _poll, c) => {
        if (service.deployments[0].taskDefinition === rev(1)) return c.complete(service);
        c.event(
          service,
          '(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ci1) has insufficient memory available.',
        );
      },
    });
    const result = await deployRevision(clients, options());
    const [web] = result.services;
    expect(result.ok).toBe(false);
    expect(web.outcome).toBe('rolled-back');
    expect(web.reason).toMatch(/^tasks cannot be placed: .*insufficient memory available/);
    expect(web.rollback).toMatchObject({ taskDefinitionArn: rev(1), outcome: 'deployed' });
    expect(cluster.updates.map((u) => u.taskDefinition)).toEqual([rev(2), rev(1)]);
    expect(web.events.filter((e) => e.includes('unable to place'))).toHaveLength(2);
  });

  it("fails when the new tasks' targets stay unhealthy, naming the target and reason", async () => {
    cluster.addService('web', rev(1), {
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
      script: (service, poll, c) => {
        if (poll !== 2) return;
        for (const task of c.startTasks(service, 2)) {
          const port = task.containers?.[0].networkBindings?.[0].hostPort;
          c.health.set(`i-0aaa:${port}`, {
            state: 'unhealthy',
            reason: 'Target.FailedHealthChecks',
            description: 'Health checks failed with these codes: [502]',
          });
        }
      },
    });
    const result = await deployRevision(clients, options({ rollback: 'none' }));
    const [web] = result.services;
    expect(web.outcome).toBe('failed');
    expect(web.reason).toBe(
      'targets of the new tasks stay unhealthy: Health checks failed with these codes: [502]',
    );
    expect(web.unhealthyTargets).toHaveLength(2);
    expect(web.unhealthyTargets[0]).toMatchObject({
      id: 'i-0aaa',
      state: 'unhealthy',
      reason: 'Target.FailedHealthChecks',
      targetGroupArn: TG,
    });
    expect(cluster.updates).toHaveLength(1);
  });

  it('waits for healthy targets after COMPLETED before calling it deployed', async () => {
    let healthPolls = 0;
    cluster.addService('web', rev(1), {
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
      script: (service, poll, c) => {
        if (poll === 1) {
          for (const task of c.startTasks(service, 2))
            c.health.set(`i-0aaa:${task.containers?.[0].networkBindings?.[0].hostPort}`, {
              state: 'initial',
              reason: 'Elb.RegistrationInProgress',
            });
          service.deployments[0].rolloutState = 'COMPLETED';
          service.deployments = [service.deployments[0]];
        }
        if (poll === 3) for (const key of c.health.keys()) c.health.set(key, { state: 'healthy' });
        healthPolls = poll;
      },
    });
    const result = await deployRevision(clients, options());
    expect(result.services[0].outcome).toBe('deployed');
    expect(healthPolls).toBe(3);
    expect(
      logger.lines.some((l) => /target i-0aaa:\d+ is initial \(Elb.RegistrationInProgress\)/.test(l)),
    ).toBe(true);
  });

  it('times out, reports the last progress, and rolls back', async () => {
    cluster.addService('web', rev(1), {
      script: (service, _poll, c) => {
        if (service.deployments[0].taskDefinition === rev(1)) c.complete(service);
      },
    });
    const result = await deployRevision(clients, options({ timeout: 60_000 }));
    const [web] = result.services;
    expect(web.outcome).toBe('rolled-back');
    expect(web.reason).toBe(
      'Timed out after 1m waiting for service web to finish deploying; last seen: web: 0/2 running, 2 pending (IN_PROGRESS)',
    );
    expect(clock.elapsed()).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps waiting through throttling that outlasts the SDK retries', async () => {
    cluster.addService('web', rev(1), { script: completesAfter(3) });
    const throttle = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: {},
    });
    let calls = 0;
    const describe = ecsMock.commandCalls(DescribeServicesCommand);
    expect(describe).toHaveLength(0);
    ecsMock.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
      calls++;
      if (calls === 2 || calls === 3) throw throttle;
      const service = cluster.services.get(input.services[0]);
      if (!service) return { services: [] };
      service.polls++;
      service.script?.(service, service.polls, cluster);
      return { services: [cluster.snapshot(service)] };
    });
    const result = await deployRevision(clients, options());
    expect(result.services[0].outcome).toBe('deployed');
    expect(
      logger.lines.filter((l) =>
        l.includes(
          'Polling failed, will retry: Could not describe services in cluster prod: ThrottlingException: Rate exceeded',
        ),
      ),
    ).toHaveLength(2);
  });

  it('reports a circuit-breaker rollback by ECS without rolling back again', async () => {
    cluster.addService('web', rev(1), {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      script: (service, poll, c) => {
        const ours = service.deployments[0];
        // ECS's own rollback deployment completes a few polls after it starts.
        if (ours.taskDefinition === rev(1) && ours.rolloutState === 'IN_PROGRESS' && poll >= 6)
          return c.complete(service);
        if (ours.taskDefinition !== rev(2)) return;
        if (poll < 3) return c.failTask(service, 137);
        ours.rolloutState = 'FAILED';
        ours.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
        ours.status = 'ACTIVE';
        service.deployments.unshift(c.deployment(service, rev(1)));
      },
    });
    const result = await deployRevision(clients, options());
    const [web] = result.services;
    expect(web.outcome).toBe('ecs-rolled-back');
    // The step ends only once ECS's rollback has finished, and says so.
    expect(web.rollback).toMatchObject({ taskDefinitionArn: rev(1), outcome: 'deployed' });
    expect(logger.lines).toContain(`web: ECS's rollback to ${shortArn(rev(1))} completed`);
    expect(web.reason).toBe(
      `ECS rolled the deployment back to ${rev(1)}: ECS deployment circuit breaker: tasks failed to start.`,
    );
    expect(web.stoppedTasks[0].containers).toEqual([{ name: 'app', exitCode: 137 }]);
    expect(cluster.updates).toHaveLength(1);
  });

  it('fails a crash loop without the circuit breaker at the breaker threshold, with exit codes', async () => {
    cluster.addService('web', rev(1), {
      script: (service, _poll, c) => {
        if (service.deployments[0].taskDefinition === rev(2)) c.failTask(service, 3);
        else c.complete(service);
      },
    });
    const result = await deployRevision(clients, options());
    const [web] = result.services;
    expect(web.outcome).toBe('rolled-back');
    expect(web.reason).toMatch(/^3 tasks of the new revision stopped while starting/);
    expect(web.stoppedTasks).toHaveLength(3);
    expect(web.stoppedTasks[0]).toMatchObject({
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'app', exitCode: 3 }],
    });
    expect(
      logger.lines.some((l) =>
        /^web: task task\d+ stopped: Essential container in task exited \(app exit code 3\)$/.test(l),
      ),
    ).toBe(true);
  });

  it('deploys many services with a bounded number of updates in flight and batched polls', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `svc${i}`);
    names.forEach((name) => cluster.addService(name, rev(1), { script: completesAfter(2) }));
    let inFlight = 0;
    let most = 0;
    const original = clients.ecs.send.bind(clients.ecs);
    const send = jest.spyOn(clients.ecs, 'send').mockImplementation(async (command: unknown) => {
      const update = command instanceof UpdateServiceCommand;
      if (update) most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      try {
        return await original(command as never);
      } finally {
        if (update) inFlight--;
      }
    });
    const result = await deployRevision(clients, options({ services: names, concurrency: 4 }));
    send.mockRestore();
    expect(result.ok).toBe(true);
    expect(most).toBe(4);
    const batches = ecsMock
      .commandCalls(DescribeServicesCommand)
      .map((call) => call.args[0].input.services?.length);
    expect(Math.max(...(batches as number[]))).toBe(10);
  });

  it('leaves a service that already runs the revision alone', async () => {
    cluster.addService('web', rev(2));
    const result = await deployRevision(clients, options());
    expect(result.services[0].outcome).toBe('unchanged');
    expect(cluster.updates).toHaveLength(0);
  });

  it('starts without waiting when wait is false', async () => {
    cluster.addService('web', rev(1));
    const result = await deployRevision(clients, options({ wait: false }));
    expect(result).toMatchObject({
      ok: true,
      services: [{ outcome: 'started', deploymentId: expect.stringMatching(/^ecs-svc\//) }],
    });
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(1);
  });

  it('names unknown services and touches none', async () => {
    cluster.addService('web', rev(1));
    await expect(deployRevision(clients, options({ services: ['web', 'api', 'worker'] }))).rejects.toThrow(
      "Services 'api', 'worker' do not exist (or are not ACTIVE) in cluster 'prod'",
    );
    expect(cluster.updates).toHaveLength(0);
  });

  it('refuses to start while a deployment alarm is in ALARM, and sets the alarms otherwise', async () => {
    cluster.addService('web', rev(1), { script: completesAfter(1) });
    cwMock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'ALARM' }] });
    await expect(deployRevision(clients, options({ alarms: ['web-5xx'] }))).rejects.toThrow(
      "Not deploying: alarm 'web-5xx' is in ALARM",
    );
    expect(cluster.updates).toHaveLength(0);
    cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK' }] });
    await deployRevision(clients, options({ alarms: ['web-5xx'] }));
    expect(cluster.updates[0].deploymentConfiguration).toMatchObject({
      maximumPercent: 200,
      alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
    });
  });
});

describe('rollBackServices', () => {
  it('puts services back and waits for them', async () => {
    cluster.addService('web', rev(2), { script: completesAfter(2) });
    const result = await rollBackServices(clients, {
      cluster: 'prod',
      revisions: { web: rev(1) },
      timeout: 60_000,
      pollInterval: 5000,
      clock,
      logger,
    });
    expect(result).toMatchObject({
      ok: true,
      services: [
        { service: 'web', outcome: 'deployed', previousTaskDefinitionArn: rev(2), taskDefinitionArn: rev(1) },
      ],
    });
  });
});
