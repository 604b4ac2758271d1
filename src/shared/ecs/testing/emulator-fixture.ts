/**
 * Builds an ECS-on-EC2 fleet in the patched emulator for the deploy e2e tests and benchmark:
 * a cluster with two container instances, an ALB target group, a task definition family and
 * services (optionally behind the target group), and EventBridge scheduled-task rules.
 */
import { DescribeVpcsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  type DeploymentConfiguration,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ClientFactory } from '../../aws/client-factory';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

/** The first revision of a family as the tests register it. */
export function baseDefinition(family: string): RegisterTaskDefinitionCommandInput {
  return {
    family,
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'app',
        image: 'registry.example.com/app:1',
        memory: 128,
        essential: true,
        portMappings: [{ containerPort: 8080 }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${family}`,
            'awslogs-region': REGION,
            'awslogs-stream-prefix': 'ecs',
          },
        },
      },
    ],
  };
}

export interface Fleet {
  clusterArn: string;
  targetGroupArn: string;
  taskDefinitionArn: string;
  clients: { ecs: ECSClient; ec2: EC2Client; elbv2: ElasticLoadBalancingV2Client; events: EventBridgeClient };
}

export interface ServiceSpec {
  name: string;
  behindTargetGroup?: boolean;
  desired?: number;
  /** emulator control tags, e.g. { 'emulator:rollout': 'circuit-breaker' } */
  tags?: Record<string, string>;
  deploymentConfiguration?: DeploymentConfiguration;
  taskDefinition?: string;
}

/** Clients against the emulator (EMULATOR_ENDPOINT or the given endpoint). */
export function emulatorClients(env: NodeJS.ProcessEnv): Fleet['clients'] {
  const factory = new ClientFactory({ action: 'e2e', region: REGION, env });
  return {
    ecs: factory.create(ECSClient, 'ECS'),
    ec2: factory.create(EC2Client, 'EC2'),
    elbv2: factory.create(ElasticLoadBalancingV2Client, 'ELASTIC_LOAD_BALANCING_V2'),
    events: factory.create(EventBridgeClient, 'EVENTBRIDGE'),
  };
}

/** Cluster `cluster` with two container instances, target group `web`, and family `family` revision 1. */
export async function createFleet(env: NodeJS.ProcessEnv, cluster: string, family = 'web'): Promise<Fleet> {
  const clients = emulatorClients(env);
  const { ecs, ec2, elbv2 } = clients;
  const created = await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  // An AMI moto ships (DescribeImages would load the whole catalogue).
  const reservation = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-760aaa0f', MinCount: 2, MaxCount: 2 }),
  );
  for (const instance of reservation.Instances ?? [])
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster,
        instanceIdentityDocument: JSON.stringify({ instanceId: instance.InstanceId, region: REGION }),
      }),
    );
  const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId;
  const group = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: `${cluster}-${family}`,
      Protocol: 'HTTP',
      Port: 80,
      VpcId: vpc,
      TargetType: 'instance',
    }),
  );
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(baseDefinition(family)));
  return {
    clusterArn: created.cluster?.clusterArn ?? '',
    targetGroupArn: group.TargetGroups?.[0]?.TargetGroupArn ?? '',
    taskDefinitionArn: registered.taskDefinition?.taskDefinitionArn ?? '',
    clients,
  };
}

/** Creates services on the fleet's first revision (or `spec.taskDefinition`). */
export async function createServices(fleet: Fleet, cluster: string, specs: ServiceSpec[]): Promise<void> {
  for (const spec of specs)
    await fleet.clients.ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: spec.name,
        taskDefinition: spec.taskDefinition ?? fleet.taskDefinitionArn,
        desiredCount: spec.desired ?? 2,
        launchType: 'EC2',
        deploymentConfiguration: spec.deploymentConfiguration,
        loadBalancers: spec.behindTargetGroup
          ? [{ targetGroupArn: fleet.targetGroupArn, containerName: 'app', containerPort: 8080 }]
          : undefined,
        tags: Object.entries(spec.tags ?? {}).map(([key, value]) => ({ key, value })),
      }),
    );
}

/** A cron rule whose ECS target runs `taskDefinitionArn` in the cluster. */
export async function createScheduledTask(
  fleet: Fleet,
  rule: string,
  taskDefinitionArn: string,
): Promise<void> {
  const { events } = fleet.clients;
  await events.send(new PutRuleCommand({ Name: rule, ScheduleExpression: 'cron(0 3 * * ? *)' }));
  await events.send(
    new PutTargetsCommand({
      Rule: rule,
      Targets: [
        {
          Id: 'task',
          Arn: fleet.clusterArn,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsEventsRole`,
          Input: '{"containerOverrides":[]}',
          EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: 1, LaunchType: 'EC2' },
        },
      ],
    }),
  );
}
