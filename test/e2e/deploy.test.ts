/**
 * actions/deploy end to end: the committed bundle against the patched emulator, checking ECS,
 * ELB and EventBridge state afterwards. Rendering, two services behind/off the ALB, scheduled
 * tasks, skip-unchanged, dry-run, pre-deploy task, pin-digests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import {
  ACCOUNT,
  REGION,
  baseDefinition,
  createFleet,
  createScheduledTask,
  createServices,
  type Fleet,
} from '../../src/shared/ecs/testing/emulator-fixture';
import { emulatorEnv, runAction } from '../support/action-runner';

const env = emulatorEnv();
// The SDK clients of this file use the standard credential chain, like the action.
Object.assign(process.env, env);
const workspace = mkdtempSync(path.join(tmpdir(), 'deploy-e2e-'));
let fleet: Fleet;

/** describe-task-definition output, as `aws ecs describe-task-definition --include TAGS` prints it. */
const describeOutput = {
  taskDefinition: {
    ...baseDefinition('web'),
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:1`,
    revision: 1,
    status: 'ACTIVE',
    compatibilities: ['EC2'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    registeredAt: '2026-01-01T00:00:00.000Z',
    registeredBy: `arn:aws:iam::${ACCOUNT}:role/ci`,
    containerDefinitions: [
      {
        ...baseDefinition('web').containerDefinitions?.[0],
        image: 'registry.example.com/app:${TAG}',
        environment: [{ name: 'LOG_LEVEL', value: '${LOG_LEVEL:-info}' }],
      },
      { name: 'sidecar', image: 'busybox', memory: 32, essential: false },
    ],
  },
  tags: [{ key: 'team', value: 'web' }],
};
writeFileSync(path.join(workspace, 'task-definition.json'), JSON.stringify(describeOutput, null, 2));

const baseInputs = {
  'task-definition': 'task-definition.json',
  images: 'sidecar=busybox:1.36',
  vars: 'TAG=2.0.0',
  cluster: 'prod',
  services: 'web, api',
  'poll-interval': '200ms',
  timeout: '60s',
};

const deploy = (inputs: Record<string, string | undefined>) =>
  runAction('deploy', { inputs: { ...baseInputs, ...inputs }, env, workspace });

async function services(names = ['web', 'api']) {
  return (
    (await fleet.clients.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: names })))
      .services ?? []
  );
}

async function revisions(): Promise<string[]> {
  return (
    (await fleet.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' })))
      .taskDefinitionArns ?? []
  );
}

const arn = (family: string, revision: number) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

beforeAll(async () => {
  fleet = await createFleet(env, 'prod');
  await createServices(fleet, 'prod', [{ name: 'web', behindTargetGroup: true }, { name: 'api' }]);
  await createScheduledTask(fleet, 'nightly-report', fleet.taskDefinitionArn);
  await createScheduledTask(fleet, 'other-family', arn('billing', 4));
});

describe('deploy', () => {
  it('dry-run renders and diffs against what each service runs, writing nothing', async () => {
    const run = await deploy({ 'dry-run': 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe('dry-run');
    expect(run.outputs.registered).toBe('false');
    expect(run.summary).toContain('**Dry run**');
    expect(run.summary).toContain('+       "image": "registry.example.com/app:2.0.0",');
    expect(run.summary).toContain('Would retarget scheduled tasks: `nightly-report`');
    expect(await revisions()).toEqual([arn('web', 1)]);
    expect((await services()).map((s) => s.deployments?.length)).toEqual([1, 1]);
  });

  it('registers the rendered file and rolls it out to both services, then retargets the scheduled task', async () => {
    const run = await deploy({});
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      'task-definition-arn': arn('web', 2),
      registered: 'true',
      result: 'deployed',
    });
    expect(JSON.parse(run.outputs['previous-task-definition-arns'])).toEqual({
      web: arn('web', 1),
      api: arn('web', 1),
    });
    expect(Object.keys(JSON.parse(run.outputs['deployment-ids']))).toEqual(['web', 'api']);
    expect(run.log).toContain('Ignoring read-only keys of describe-task-definition output');
    expect(run.log).toMatch(/web: target i-[0-9a-f]+:\d+ is healthy/);

    const registered = (
      await fleet.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }))
    ).taskDefinition;
    const [app, sidecar] = registered?.containerDefinitions ?? [];
    expect(app.image).toBe('registry.example.com/app:2.0.0');
    expect(app.environment).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
    expect(sidecar.image).toBe('busybox:1.36');
    expect(registered?.volumes).toEqual([
      expect.objectContaining({ name: 'container_config', host: { sourcePath: '/etc/container_config' } }),
    ]);
    for (const container of [app, sidecar])
      expect(container.mountPoints).toEqual([
        { sourceVolume: 'container_config', containerPath: '/etc/container_config', readOnly: true },
      ]);

    for (const service of await services()) {
      expect(service.deployments).toHaveLength(1);
      expect(service.deployments?.[0]).toMatchObject({
        taskDefinition: arn('web', 2),
        rolloutState: 'COMPLETED',
        runningCount: 2,
      });
    }
    const health = await fleet.clients.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: fleet.targetGroupArn }),
    );
    expect(health.TargetHealthDescriptions).toHaveLength(2);
    const rule = await fleet.clients.events.send(new ListTargetsByRuleCommand({ Rule: 'nightly-report' }));
    expect(rule.Targets?.[0]).toMatchObject({
      EcsParameters: { TaskDefinitionArn: arn('web', 2), TaskCount: 1, LaunchType: 'EC2' },
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsEventsRole`,
      Input: '{"containerOverrides":[]}',
    });
    const other = await fleet.clients.events.send(new ListTargetsByRuleCommand({ Rule: 'other-family' }));
    expect(other.Targets?.[0].EcsParameters?.TaskDefinitionArn).toBe(arn('billing', 4));
    expect(run.summary).toContain('| web | ✅ deployed | `web:2` | `web:1` |');
    expect(run.summary).toContain('Scheduled tasks retargeted: `nightly-report`');
  });

  it('reuses the latest revision and touches no service when nothing changed', async () => {
    const run = await deploy({});
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      'task-definition-arn': arn('web', 2),
      registered: 'false',
      result: 'unchanged',
    });
    expect(await revisions()).toEqual([arn('web', 1), arn('web', 2)]);
    expect(run.summary).toContain('| web | ➖ unchanged |');
  });

  it('runs the pre-deploy task with the new revision before touching services', async () => {
    const run = await deploy({
      vars: 'TAG=2.1.0',
      'pre-deploy-task': JSON.stringify({ containerOverrides: [{ name: 'app', command: ['./migrate'] }] }),
    });
    expect(run.exitCode).toBe(0);
    expect(run.log).toMatch(/Pre-deploy task finished: Essential container in task exited \(app exit code 0/);
    const stopped = await fleet.clients.ecs.send(
      new ListTasksCommand({ cluster: 'prod', desiredStatus: 'STOPPED', startedBy: 'ecs-release-actions' }),
    );
    expect(stopped.taskArns).toHaveLength(1);
    expect((await services())[0].deployments?.[0].taskDefinition).toBe(arn('web', 3));
  });

  it('stops before any service change when the pre-deploy task exits non-zero', async () => {
    const run = await deploy({
      vars: 'TAG=2.2.0',
      'pre-deploy-task': JSON.stringify([
        { name: 'app', environment: [{ name: 'EMULATOR_EXIT_CODE', value: '2' }] },
      ]),
    });
    expect(run.exitCode).toBe(1);
    const error = run.annotations.find((annotation) => annotation.level === 'error');
    expect(error?.title).toBe('Deployment failed');
    expect(error?.message).toMatch(
      /^The pre-deploy task failed: Essential container in task exited \(app exit code 2/,
    );
    expect(run.summary).toContain('| app | 2 |');
    for (const service of await services())
      expect(service.deployments?.[0].taskDefinition).toBe(arn('web', 3));
  });

  it('pins ECR tags to digests', async () => {
    const ecr = new ClientFactory({ action: 'e2e', region: REGION, env }).create(ECRClient, 'ECR');
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        digest: 'sha256:' + 'a'.repeat(64),
        size: 1,
        mediaType: 'application/vnd.docker.container.image.v1+json',
      },
      layers: [],
    });
    const image = await ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: manifest, imageTag: 'v3' }),
    );
    const digest = image.image?.imageId?.imageDigest;
    expect(digest).toMatch(/^sha256:/);
    const run = await deploy({
      images: `app=${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app:v3`,
      'pin-digests': 'true',
      wait: 'false',
    });
    expect(run.exitCode).toBe(0);
    const registered = (
      await fleet.clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: run.outputs['task-definition-arn'] }),
      )
    ).taskDefinition;
    expect(registered?.containerDefinitions?.[0].image).toBe(
      `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/app@${digest}`,
    );
  });
});
