/**
 * The foundation against the patched emulator: the client factory's endpoint handling
 * (path-style S3), the credential chain (STS), and the emulator's ECS rollout model.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { poll } from '../../src/shared/aws/poll';
import { emulatorEnv } from '../support/action-runner';

const env = emulatorEnv();
Object.assign(process.env, env);
const factory = new ClientFactory({ action: 'e2e', region: 'us-east-1', env });

describe('client factory against the emulator', () => {
  it('round-trips an S3 object with path-style addressing', async () => {
    const s3 = factory.create(S3Client, 'S3');
    const seen: string[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        const request = (args as { request: { hostname: string; path: string } }).request;
        seen.push(`${request.hostname}${request.path}`);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordHost' },
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'foundation-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'foundation-bucket', Key: 'a/b.txt', Body: 'hello' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'foundation-bucket', Key: 'a/b.txt' }));
    expect(await object.Body?.transformToString()).toBe('hello');
    expect(seen).toContain('127.0.0.1/foundation-bucket/a/b.txt');
    expect(seen.every((entry) => entry.startsWith('127.0.0.1/foundation-bucket'))).toBe(true);
  });

  it('resolves credentials from the standard environment (STS caller identity)', async () => {
    const identity = await factory.create(STSClient, 'STS').send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toMatch(/^\d{12}$/);
    expect(identity.Arn).toContain('arn:aws:');
  });
});

describe('the patched ECS rollout model', () => {
  const ecs = factory.create(ECSClient, 'ECS');

  async function serviceWithNewRevision(name: string, tags: Record<string, string>): Promise<string> {
    const register = async (image: string) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: `fam-${name}`,
            containerDefinitions: [{ name: 'app', image, memory: 128, essential: true }],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const first = await register('nginx:1');
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'foundation',
        serviceName: name,
        taskDefinition: first,
        desiredCount: 2,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      }),
    );
    const second = await register('nginx:2');
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'foundation', service: name, taskDefinition: second }),
    );
    return second;
  }

  /** Polls until the PRIMARY deployment completed with no other left; returns every state seen. */
  async function settle(name: string): Promise<{ service: Service; seen: Set<string> }> {
    const seen = new Set<string>();
    const service = await poll<Service>({
      what: `${name} to settle`,
      interval: 1,
      timeout: 60_000,
      check: async () => {
        const current = (
          await ecs.send(new DescribeServicesCommand({ cluster: 'foundation', services: [name] }))
        ).services![0]!;
        current.deployments!.forEach((d) => seen.add(`${d.taskDefinition} ${d.status} ${d.rolloutState}`));
        const primary = current.deployments!.find((d) => d.status === 'PRIMARY')!;
        return primary.rolloutState === 'COMPLETED' && current.deployments!.length === 1
          ? { done: true, value: current }
          : { done: false };
      },
    });
    return { service, seen };
  }

  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'foundation' }));
  });

  it('rolls an update out to COMPLETED on the new revision', async () => {
    const revision = await serviceWithNewRevision('completes', {});
    const before = (
      await ecs.send(new DescribeServicesCommand({ cluster: 'foundation', services: ['completes'] }))
    ).services![0];
    expect(before.deployments![0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      taskDefinition: revision,
    });
    expect(before.deployments![1]).toMatchObject({ status: 'ACTIVE' });
    const { service: after } = await settle('completes');
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments![0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      taskDefinition: revision,
    });
    expect(after.events!.map((event) => event.message)).toContain(
      '(service completes) has reached a steady state.',
    );
  });

  it('fails an update through the circuit breaker and rolls it back', async () => {
    const revision = await serviceWithNewRevision('fails', { 'emulator:rollout': 'circuit-breaker' });
    const { service: after, seen } = await settle('fails');
    expect(seen).toContain(`${revision} ACTIVE FAILED`);
    expect(after.taskDefinition).not.toBe(revision);
    expect(after.deployments![0]!.taskDefinition).toBe(after.taskDefinition);
    expect(
      after.events!.some((event) => event.message!.includes('deployment failed: tasks failed to start')),
    ).toBe(true);
  });
});
