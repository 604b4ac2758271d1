/**
 * The SDK clients the demo uses to seed and inspect the emulator, all made by the
 * foundation's ClientFactory (the same endpoint handling the actions use).
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { REGION } from './world-spec';

export interface DemoClients {
  autoScaling: AutoScalingClient;
  cloudWatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  ec2: EC2Client;
  ecr: ECRClient;
  ecs: ECSClient;
  elb: ElasticLoadBalancingV2Client;
  events: EventBridgeClient;
  s3: S3Client;
  ssm: SSMClient;
}

/** Clients for the emulator at `env.AWS_ENDPOINT_URL`. */
export function demoClients(env: Record<string, string>): DemoClients {
  const factory = new ClientFactory({ action: 'demo', region: REGION, maxAttempts: 3, env });
  return {
    autoScaling: factory.create(AutoScalingClient, 'AUTO_SCALING'),
    cloudWatch: factory.create(CloudWatchClient, 'CLOUDWATCH'),
    logs: factory.create(CloudWatchLogsClient, 'CLOUDWATCH_LOGS'),
    ec2: factory.create(EC2Client, 'EC2'),
    ecr: factory.create(ECRClient, 'ECR'),
    ecs: factory.create(ECSClient, 'ECS'),
    elb: factory.create(ElasticLoadBalancingV2Client, 'ELASTIC_LOAD_BALANCING_V2'),
    events: factory.create(EventBridgeClient, 'EVENTBRIDGE'),
    s3: factory.create(S3Client, 'S3'),
    ssm: factory.create(SSMClient, 'SSM'),
  };
}
