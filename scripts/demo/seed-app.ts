/**
 * Seeds the application side: the image repository, the first task-definition revision
 * (what every environment runs before the demo), clusters and services, the nightly cron
 * rule per environment, and the per-environment CloudWatch alarms.
 */
import { PutMetricAlarmCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateLogGroupCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, PutImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Network } from './seed-network';
import {
  ACCOUNT,
  APP,
  CONTAINER,
  CONTAINER_PORT,
  ECR_REPOSITORY,
  ENVIRONMENTS,
  LOG_GROUP,
  names,
  REGION,
  TASK_DEFINITION_TEMPLATE,
  VERSIONS,
  type Environment,
} from './world-spec';

export interface App {
  /** `version` → image reference pinned by digest (`…/shop@sha256:…`). */
  images: Record<string, string>;
  /** The revision every environment runs before the demo starts. */
  initialRevision: string;
  clusterArns: Record<Environment, string>;
}

/** Pushes one image per version to ECR; returns digest-pinned references. */
export async function seedImages(ecr: ECRClient): Promise<Record<string, string>> {
  const repository = (await ecr.send(new CreateRepositoryCommand({ repositoryName: ECR_REPOSITORY })))
    .repository!;
  const images: Record<string, string> = {};
  for (const version of Object.values(VERSIONS)) {
    const layer = (text: string) =>
      `sha256:${createHash('sha256').update(`${APP} ${version} ${text}`).digest('hex')}`;
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: 1469,
        digest: layer('config'),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: 3_207_814,
          digest: layer('app'),
        },
      ],
    };
    const pushed = await ecr.send(
      new PutImageCommand({
        repositoryName: ECR_REPOSITORY,
        imageTag: version,
        imageManifest: JSON.stringify(manifest),
      }),
    );
    images[version] = `${repository.repositoryUri}@${pushed.image!.imageId!.imageDigest}`;
  }
  return images;
}

/**
 * Fills `${KEY}` and `${KEY:-default}` in the demo template, for the seed revision only: the
 * demo's deploy step hands the same template to actions/deploy, which does its own rendering.
 */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (whole, key: string, fallback?: string) => {
      const value = vars[key] ?? fallback;
      if (value === undefined) throw new Error(`${TASK_DEFINITION_TEMPLATE}: no value for ${whole}`);
      return value;
    },
  );
}

/** The `vars` the demo passes to actions/deploy for a version of the app. */
export function templateVars(version: string): Record<string, string> {
  return {
    AWS_ACCOUNT_ID: ACCOUNT,
    AWS_REGION: REGION,
    ECR_REGISTRY: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
    APP_VERSION: version,
  };
}

async function registerInitialRevision(ecs: ECSClient, image: string): Promise<string> {
  const text = fillTemplate(readFileSync(TASK_DEFINITION_TEMPLATE, 'utf8'), templateVars(VERSIONS.running));
  const definition = JSON.parse(text) as RegisterTaskDefinitionCommandInput;
  // As an earlier release with actions/deploy left it: the node config volume mounted read-only.
  definition.volumes = [{ name: 'container_config', host: { sourcePath: '/etc/container_config' } }];
  definition.containerDefinitions = definition.containerDefinitions!.map((container) => ({
    ...container,
    // Pinned by digest, as actions/deploy with pin-digests leaves it.
    image,
    mountPoints: [
      { sourceVolume: 'container_config', containerPath: '/etc/container_config', readOnly: true },
    ],
  }));
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(definition));
  return registered.taskDefinition!.taskDefinitionArn!;
}

/** Creates the log group, the clusters and the first revision of the app's family. */
export async function seedApp(
  clients: { ecs: ECSClient; logs: CloudWatchLogsClient },
  images: Record<string, string>,
): Promise<App> {
  await clients.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  const clusterArns = {} as App['clusterArns'];
  for (const env of ENVIRONMENTS) {
    const cluster = await clients.ecs.send(
      new CreateClusterCommand({
        clusterName: names.cluster(env),
        settings: [{ name: 'containerInsights', value: 'enabled' }],
        tags: [{ key: 'env', value: env }],
      }),
    );
    clusterArns[env] = cluster.cluster!.clusterArn!;
  }
  return {
    images,
    clusterArns,
    initialRevision: await registerInitialRevision(clients.ecs, images[VERSIONS.running]),
  };
}

/** Creates `web` (behind the target group) and `worker` in an environment's cluster. */
export async function seedServices(
  ecs: ECSClient,
  env: Environment,
  network: Network,
  revision: string,
): Promise<void> {
  for (const service of ['web', 'worker'] as const) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: names.cluster(env),
        serviceName: service,
        taskDefinition: revision,
        desiredCount: service === 'web' ? 2 : 1,
        launchType: 'EC2',
        ...(service === 'web'
          ? {
              loadBalancers: [
                {
                  targetGroupArn: network.loadBalancers[env].targetGroupArn,
                  containerName: CONTAINER,
                  containerPort: CONTAINER_PORT,
                },
              ],
              healthCheckGracePeriodSeconds: 30,
            }
          : {}),
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: true },
          maximumPercent: 200,
          minimumHealthyPercent: 50,
        },
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
        propagateTags: 'SERVICE',
        enableECSManagedTags: true,
        tags: [{ key: 'env', value: env }],
      }),
    );
  }
}

/** The nightly report: an EventBridge cron rule whose ECS target runs the app's family. */
export async function seedCronRule(
  events: EventBridgeClient,
  env: Environment,
  clusterArn: string,
  revision: string,
): Promise<void> {
  const rule = names.cronRule(env);
  await events.send(
    new PutRuleCommand({
      Name: rule,
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Description: `Nightly sales report in ${env}`,
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: rule,
      Targets: [
        {
          Id: 'nightly-report',
          Arn: clusterArn,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsEventsRole`,
          EcsParameters: { TaskDefinitionArn: revision, TaskCount: 1, LaunchType: 'EC2' },
          Input: JSON.stringify({
            containerOverrides: [{ name: CONTAINER, command: ['report', '--nightly'] }],
          }),
        },
      ],
    }),
  );
}

/** Three alarms per environment, named `<env>-…` so a gate can select them by prefix. */
export async function seedAlarms(
  cloudWatch: CloudWatchClient,
  env: Environment,
  network: Network,
): Promise<void> {
  const balancer = network.loadBalancers[env].arn.split(':loadbalancer/')[1];
  const targetGroup = network.loadBalancers[env].targetGroupArn.split(':').pop()!;
  const [fiveXx, latency, worker] = names.alarms(env);
  const common = { EvaluationPeriods: 3, DatapointsToAlarm: 2, Period: 60, TreatMissingData: 'notBreaching' };
  const elbDimensions = [
    { Name: 'LoadBalancer', Value: balancer },
    { Name: 'TargetGroup', Value: targetGroup },
  ];
  await cloudWatch.send(
    new PutMetricAlarmCommand({
      ...common,
      AlarmName: fiveXx,
      AlarmDescription: `web in ${env} answers with 5xx`,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Dimensions: elbDimensions,
      Statistic: 'Sum',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await cloudWatch.send(
    new PutMetricAlarmCommand({
      ...common,
      AlarmName: latency,
      AlarmDescription: `web in ${env} is slow`,
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'TargetResponseTime',
      Dimensions: elbDimensions,
      ExtendedStatistic: 'p99',
      Threshold: 1.5,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await cloudWatch.send(
    new PutMetricAlarmCommand({
      ...common,
      AlarmName: worker,
      AlarmDescription: `worker jobs fail in ${env}`,
      Namespace: `${APP}/worker`,
      MetricName: 'JobErrors',
      Dimensions: [{ Name: 'Environment', Value: env }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
}
