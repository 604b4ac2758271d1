/**
 * Seeds the network side of the demo world: a security group in the default VPC and, per
 * environment, an internal ALB with a listener forwarding to an instance-type target group
 * (ECS registers each task as instance id + dynamic host port, as in bridge mode).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { APP, ENVIRONMENTS, names, type Environment } from './world-spec';

export interface Network {
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  loadBalancers: Record<Environment, { arn: string; dnsName: string; targetGroupArn: string }>;
}

/** Creates the security group and one ALB + target group + listener per environment. */
export async function seedNetwork(ec2: EC2Client, elb: ElasticLoadBalancingV2Client): Promise<Network> {
  const vpc = (
    await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))
  ).Vpcs?.[0];
  if (!vpc?.VpcId) throw new Error('The emulator has no default VPC');
  const subnets = await ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId] }] }),
  );
  const subnetIds = (subnets.Subnets ?? [])
    .sort((a, b) => (a.AvailabilityZone ?? '').localeCompare(b.AvailabilityZone ?? ''))
    .slice(0, 2)
    .map((subnet) => subnet.SubnetId!);
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `${APP}-nodes`,
      Description: 'ECS container instances and their ALB',
      VpcId: vpc.VpcId,
    }),
  );
  // Dynamic host ports (32768-60999 on Amazon Linux) must be open to the ALB.
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: group.GroupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        { IpProtocol: 'tcp', FromPort: 32768, ToPort: 60999, UserIdGroupPairs: [{ GroupId: group.GroupId }] },
      ],
    }),
  );
  const loadBalancers = {} as Network['loadBalancers'];
  for (const env of ENVIRONMENTS)
    loadBalancers[env] = await seedLoadBalancer(elb, env, vpc.VpcId, subnetIds, group.GroupId!);
  return { vpcId: vpc.VpcId, subnetIds, securityGroupId: group.GroupId!, loadBalancers };
}

async function seedLoadBalancer(
  elb: ElasticLoadBalancingV2Client,
  env: Environment,
  vpcId: string,
  subnetIds: string[],
  securityGroupId: string,
): Promise<Network['loadBalancers'][Environment]> {
  const balancer = (
    await elb.send(
      new CreateLoadBalancerCommand({
        Name: names.loadBalancer(env),
        Type: 'application',
        Scheme: 'internal',
        Subnets: subnetIds,
        SecurityGroups: [securityGroupId],
        Tags: [{ Key: 'env', Value: env }],
      }),
    )
  ).LoadBalancers![0];
  const group = (
    await elb.send(
      new CreateTargetGroupCommand({
        Name: names.targetGroup(env),
        Protocol: 'HTTP',
        Port: 80,
        VpcId: vpcId,
        TargetType: 'instance',
        HealthCheckPath: '/healthz',
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 2,
        Matcher: { HttpCode: '200' },
      }),
    )
  ).TargetGroups![0];
  await elb.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: group.TargetGroupArn,
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    }),
  );
  await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: balancer.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: group.TargetGroupArn }],
    }),
  );
  return {
    arn: balancer.LoadBalancerArn!,
    dnsName: balancer.DNSName!,
    targetGroupArn: group.TargetGroupArn!,
  };
}
