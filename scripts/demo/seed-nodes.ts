/**
 * Seeds the container instances: a launch template on the ECS-optimized AMI (IMDSv2 with
 * instance tags, as the node playbook reads them), one Auto Scaling group per environment,
 * and each group's EC2 instances registered with the environment's cluster, as the ECS agent
 * does at boot with the instance identity document.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { RegisterContainerInstanceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Network } from './seed-network';
import {
  ACCOUNT,
  BASE_AMI_PARAMETER,
  ENVIRONMENTS,
  LAUNCH_TEMPLATE,
  names,
  NODES_PER_CLUSTER,
  PLAYBOOK_BUCKET,
  PLAYBOOK_PREFIX,
  REGION,
  type Environment,
} from './world-spec';

export interface Nodes {
  baseAmi: { id: string; name: string };
  launchTemplateId: string;
  /** EC2 instance ids registered in each environment's cluster. */
  instances: Record<Environment, string[]>;
}

/** Boot script: pull and apply the current playbook release, which writes ECS_CLUSTER from tags. */
const USER_DATA = `#!/bin/bash
set -euo pipefail
/usr/local/bin/ecs-node-sync s3://${PLAYBOOK_BUCKET}/${PLAYBOOK_PREFIX}
systemctl enable --now ecs-node-sync.timer
`;

/** Resolves the base AMI as AWS publishes it (moto serves the same SSM parameter). */
export async function resolveBaseAmi(ssm: SSMClient, ec2: EC2Client): Promise<Nodes['baseAmi']> {
  const parameter = await ssm.send(new GetParameterCommand({ Name: BASE_AMI_PARAMETER }));
  const id = parameter.Parameter?.Value;
  if (!id) throw new Error(`The emulator serves no ${BASE_AMI_PARAMETER}`);
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.[0];
  if (image?.State !== 'available')
    throw new Error(`${BASE_AMI_PARAMETER} points at ${id}, which is not available`);
  return { id, name: image.Name ?? id };
}

/** Creates the launch template and groups, then registers their instances as container instances. */
export async function seedNodes(
  clients: { ec2: EC2Client; ecs: ECSClient; ssm: SSMClient; autoScaling: AutoScalingClient },
  network: Network,
): Promise<Nodes> {
  const baseAmi = await resolveBaseAmi(clients.ssm, clients.ec2);
  const template = await clients.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: LAUNCH_TEMPLATE,
      VersionDescription: 'ECS-optimized AL2023 base image',
      LaunchTemplateData: {
        ImageId: baseAmi.id,
        InstanceType: 't3.large',
        SecurityGroupIds: [network.securityGroupId],
        IamInstanceProfile: { Name: 'ecsInstanceRole' },
        // IMDSv2 only, with tags readable through IMDS: the node playbook derives its config from them.
        MetadataOptions: { HttpTokens: 'required', InstanceMetadataTags: 'enabled' },
        UserData: Buffer.from(USER_DATA).toString('base64'),
      },
    }),
  );
  const instances = {} as Nodes['instances'];
  for (const env of ENVIRONMENTS) {
    const ids = await seedGroup(clients.autoScaling, env, network);
    instances[env] = ids;
    await registerContainerInstances(clients.ec2, clients.ecs, env, ids);
  }
  return { baseAmi, launchTemplateId: template.LaunchTemplate!.LaunchTemplateId!, instances };
}

async function seedGroup(
  autoScaling: AutoScalingClient,
  env: Environment,
  network: Network,
): Promise<string[]> {
  const name = names.autoScalingGroup(env);
  const tag = (Key: string, Value: string) => ({
    Key,
    Value,
    PropagateAtLaunch: true,
    ResourceId: name,
    ResourceType: 'auto-scaling-group',
  });
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      LaunchTemplate: { LaunchTemplateName: LAUNCH_TEMPLATE, Version: '$Default' },
      MinSize: NODES_PER_CLUSTER,
      MaxSize: NODES_PER_CLUSTER * 2,
      DesiredCapacity: NODES_PER_CLUSTER,
      VPCZoneIdentifier: network.subnetIds.join(','),
      Tags: [tag('env', env), tag('cluster', names.cluster(env)), tag('Name', `${names.cluster(env)}-node`)],
    }),
  );
  const group = await autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  const ids = (group.AutoScalingGroups?.[0]?.Instances ?? []).map((instance) => instance.InstanceId!);
  if (ids.length !== NODES_PER_CLUSTER)
    throw new Error(
      `Auto Scaling group ${name} launched ${ids.length} instances, expected ${NODES_PER_CLUSTER}`,
    );
  return ids;
}

async function registerContainerInstances(
  ec2: EC2Client,
  ecs: ECSClient,
  env: Environment,
  instanceIds: string[],
): Promise<void> {
  const reservations = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }));
  const instances = (reservations.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  for (const instance of instances) {
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: names.cluster(env),
        instanceIdentityDocument: JSON.stringify(identityDocument(instance)),
        attributes: [{ name: 'ecs.availability-zone', value: instance.Placement?.AvailabilityZone }],
      }),
    );
  }
}

/** The document IMDS serves at /latest/dynamic/instance-identity/document, which the agent sends. */
function identityDocument(instance: Instance): Record<string, string> {
  return {
    accountId: ACCOUNT,
    architecture: 'x86_64',
    availabilityZone: instance.Placement?.AvailabilityZone ?? `${REGION}a`,
    imageId: instance.ImageId ?? '',
    instanceId: instance.InstanceId!,
    instanceType: instance.InstanceType ?? 't3.large',
    pendingTime: (instance.LaunchTime ?? new Date()).toISOString(),
    privateIp: instance.PrivateIpAddress ?? '',
    region: REGION,
    version: '2017-09-30',
  };
}
