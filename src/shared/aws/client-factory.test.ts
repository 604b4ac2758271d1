import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { version } from '../../../package.json';
import { MemoryLogger } from '../runtime/logger';
import { ClientFactory } from './client-factory';
import { resolveEndpoint } from './endpoint';
import { resolveRegion } from './region';

describe('resolveEndpoint', () => {
  it.each([
    [{}, 'ECS', undefined],
    [{ AWS_ENDPOINT_URL: 'http://all' }, 'ECS', 'http://all'],
    [{ AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_ECS: 'http://ecs' }, 'ECS', 'http://ecs'],
    [{ AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_ECS: 'http://ecs' }, 'S3', 'http://all'],
    [{ AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: 'http://elb' }, 'ELASTIC_LOAD_BALANCING_V2', 'http://elb'],
    [{ AWS_ENDPOINT_URL: 'http://all', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'ECS', undefined],
  ])('%p for %s → %p', (env, service, expected) => {
    expect(resolveEndpoint(service, env)).toBe(expected);
  });
});

describe('resolveRegion', () => {
  it.each([
    ['eu-west-1', {}, 'eu-west-1'],
    [undefined, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' }, 'us-east-2'],
    [undefined, { AWS_DEFAULT_REGION: 'us-west-1' }, 'us-west-1'],
    [undefined, { AWS_REGION: 'us-gov-west-1' }, 'us-gov-west-1'],
  ])('input %p with %p → %s', (input, env, expected) => {
    expect(resolveRegion(input, env)).toBe(expected);
  });

  it('says where to set a missing region', () => {
    expect(() => resolveRegion(undefined, {})).toThrow(
      "Input 'region' is not set, and neither is AWS_REGION",
    );
  });

  it('names the source of a malformed region', () => {
    expect(() => resolveRegion(undefined, { AWS_REGION: 'Frankfurt' })).toThrow(
      "'Frankfurt' (from AWS_REGION)",
    );
  });
});

describe('ClientFactory', () => {
  it('sets region, adaptive retries, attempts and a user agent naming the action and version', () => {
    const config = new ClientFactory({
      action: 'deploy',
      region: 'eu-west-1',
      maxAttempts: 5,
      env: {},
    }).config('ECS');
    expect(config).toEqual({
      region: 'eu-west-1',
      maxAttempts: 5,
      retryMode: 'adaptive',
      customUserAgent: [
        ['ecs-release-actions', version],
        ['action', 'deploy'],
      ],
      requestHandler: { connectionTimeout: 5000, requestTimeout: 60000 },
    });
  });

  it('uses the custom endpoint, and path-style addressing for S3 only', () => {
    const factory = new ClientFactory({
      action: 'sync',
      region: 'us-east-1',
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' },
    });
    expect(factory.config('S3')).toMatchObject({ endpoint: 'http://127.0.0.1:5000', forcePathStyle: true });
    expect(factory.config('ECS').forcePathStyle).toBeUndefined();
    expect(factory.config('ECS').endpoint).toBe('http://127.0.0.1:5000');
  });

  it('builds real clients that carry the settings', async () => {
    const factory = new ClientFactory({
      action: 'sync',
      region: 'us-east-1',
      env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' },
    });
    const s3 = factory.create(S3Client, 'S3');
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.region()).toBe('us-east-1');
    const endpoint = await s3.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
  });

  it('counts every attempt per operation, retries included', async () => {
    const logger = new MemoryLogger();
    const factory = new ClientFactory({
      action: 'deploy',
      region: 'us-east-1',
      maxAttempts: 3,
      env: {},
      logger,
    });
    const ecs = factory.create(ECSClient, 'ECS');
    let calls = 0;
    // A stand-in HTTP handler: the first answer is a throttle, the second succeeds.
    ecs.config.requestHandler = {
      handle: async () => {
        calls++;
        const throttled = calls === 1;
        return {
          response: {
            statusCode: throttled ? 400 : 200,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls}` },
            body: Readable.from([
              throttled ? '{"__type":"ThrottlingException","message":"Rate exceeded"}' : '{"clusterArns":[]}',
            ]),
          },
        };
      },
    } as unknown as typeof ecs.config.requestHandler;
    await ecs.send(new ListClustersCommand({}));
    expect(calls).toBe(2);
    expect(factory.requests.get('ECS.ListClusters')).toBe(2);
    expect(factory.requestCount).toBe(2);
    expect(logger.lines).toContain('debug: ECS.ListClusters request id req-2');
  });
});
