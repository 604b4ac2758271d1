/**
 * The fault-injecting proxy: answers in each protocol's throttling shape, and the SDK clients
 * made by our factory ride through a 20% fault rate with their retries.
 */
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv } from '../support/action-runner';
import { startFaultProxy, seededRandom, type FaultProxy } from '../support/fault-proxy';

const env = emulatorEnv();
Object.assign(process.env, env);

describe('fault proxy', () => {
  let proxy: FaultProxy;
  afterEach(async () => proxy?.stop());

  const clients = (endpoint: string, maxAttempts: number) => {
    const factory = new ClientFactory({
      action: 'e2e',
      region: 'us-east-1',
      maxAttempts,
      env: { ...env, AWS_ENDPOINT_URL: endpoint },
    });
    return {
      factory,
      ecs: factory.create(ECSClient, 'ECS'),
      ec2: factory.create(EC2Client, 'EC2'),
      s3: factory.create(S3Client, 'S3'),
      elbv2: factory.create(ElasticLoadBalancingV2Client, 'ELASTIC_LOAD_BALANCING_V2'),
    };
  };

  it('is repeatable for a seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it.each([
    [
      'ECS (JSON)',
      'ThrottlingException',
      (c: ReturnType<typeof clients>) => c.ecs.send(new ListClustersCommand({})),
    ],
    [
      'EC2 (ec2 query)',
      'RequestLimitExceeded',
      (c: ReturnType<typeof clients>) => c.ec2.send(new DescribeInstancesCommand({})),
    ],
    [
      'ELBv2 (query)',
      'Throttling',
      (c: ReturnType<typeof clients>) => c.elbv2.send(new DescribeTargetGroupsCommand({})),
    ],
    [
      'S3 (REST XML)',
      'SlowDown',
      (c: ReturnType<typeof clients>) => c.s3.send(new CreateBucketCommand({ Bucket: 'throttled' })),
    ],
  ])('throttles %s with %s', async (_name, code, call) => {
    proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: 1, faults: ['throttle'] });
    const error = await call(clients(proxy.endpoint, 1)).catch((e: Error) => e);
    expect((error as Error).name).toBe(code);
    expect(proxy.stats.faulted.throttle).toBe(1);
  });

  it('lets SDK retries ride through 20% faults of every kind', async () => {
    proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: 0.2, seed: 7, latencyMs: 50 });
    const c = clients(proxy.endpoint, 8);
    await c.s3.send(new CreateBucketCommand({ Bucket: 'faulty' }));
    for (let i = 0; i < 30; i++) {
      await c.ecs.send(new CreateClusterCommand({ clusterName: `c${i}` }));
      await c.s3.send(new HeadBucketCommand({ Bucket: 'faulty' }));
    }
    const listed = await c.ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toHaveLength(30);
    const faulted = Object.values(proxy.stats.faulted).reduce((a, b) => a + b, 0);
    expect(faulted).toBeGreaterThan(5);
    expect(c.factory.requestCount).toBeGreaterThan(61);
  });
});
