/**
 * The least-privilege policies in iam/*.json, enforced by the emulator: each action's happy path
 * runs with the access keys of an IAM user that holds exactly its policy (rendered with this
 * test's names), and removing one needed statement makes the step fail with a message naming the
 * denied call.
 *
 * What moto enforces, and so what this proves (moto 5.2.1, moto/core/authorization.py and
 * moto/iam/access_control.py):
 * - every request is signed with the user's keys and its action is checked against the user's
 *   policy statements: the policy lists every action the happy path calls, and the statement
 *   removed in each negative test is needed;
 * - S3 requests are checked against the bucket or object ARN, so the bucket and prefix scoping of
 *   iam/sync-playbooks.json is exercised as written (and a policy for another prefix is refused).
 * What it cannot prove, and how the test bridges it:
 * - for every other service moto presents the request's resource as `*`, so a statement scoped to
 *   ARNs (a cluster's services, alarms, launch templates) would never match; the rendered policy
 *   given to moto widens non-S3 resources to `*`. Resource ARNs are checked by the static test in
 *   iam-policies.test.ts (shape and placeholders), not by enforcement;
 * - moto evaluates no condition operator but StringEquals on trust policies, so conditions (e.g.
 *   iam:PassedToService = ecs-tasks.amazonaws.com) are not exercised;
 * - moto names CloudWatch actions by the signing name `monitoring:`; the rendered policy adds a
 *   `monitoring:X` twin for every `cloudwatch:X`;
 * - moto authorizes DeleteObjects against the bucket ARN, where AWS checks s3:DeleteObject per
 *   key, so pruning is not run under enforcement here.
 */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { ROOT } from '../support/emulator';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import {
  bakeInputs,
  bakeWorkspace,
  cleanUpBakeWorkspaces,
  createLaunchTemplate,
  emulatorEc2,
  imagesNamed,
} from '../support/fixtures/bake-ami';

const env = emulatorEnv();
Object.assign(process.env, env);
const endpoint = env.AWS_ENDPOINT_URL;
const factory = new ClientFactory({ action: 'e2e', region: 'us-east-1', env });
const ACCOUNT_ID = '123456789012';
const temps: string[] = [];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

/** Turns IAM enforcement on (every following request is authorized) or off. */
async function enforceIam(on: boolean): Promise<void> {
  // The body is the number of requests still let through unauthenticated; `inf` turns it off.
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : 'inf' });
  if (!response.ok) throw new Error(`reset-auth failed: HTTP ${response.status}`);
}

/** Reads iam/<name>.json and fills its `${Placeholder}`s; fails on any left unfilled. */
function renderPolicy(name: string, values: Record<string, string>): Policy {
  const text = readFileSync(path.join(ROOT, 'iam', `${name}.json`), 'utf8').replace(
    /\$\{([A-Za-z]+)\}/g,
    (_, key: string) => {
      if (!(key in values)) throw new Error(`iam/${name}.json: no test value for \${${key}}`);
      return values[key];
    },
  );
  return JSON.parse(text) as Policy;
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** The policy as moto can evaluate it (see the file comment): non-S3 resources widened to `*`,
 * a `monitoring:` twin for each `cloudwatch:` action. Actions and S3 resources stay as written. */
function forMoto(policy: Policy): Policy {
  return {
    ...policy,
    Statement: policy.Statement.map((statement) => {
      const actions = list(statement.Action);
      const s3Only = actions.every((action) => action.startsWith('s3:'));
      return {
        ...statement,
        Action: actions.flatMap((action) =>
          action.startsWith('cloudwatch:')
            ? [action, action.replace(/^cloudwatch:/, 'monitoring:')]
            : [action],
        ),
        Resource: s3Only ? statement.Resource : '*',
      };
    }),
  };
}

/** The policy without the statements whose Sid is given (they must exist). */
function without(policy: Policy, ...sids: string[]): Policy {
  for (const sid of sids)
    if (!policy.Statement.some((statement) => statement.Sid === sid)) throw new Error(`no statement ${sid}`);
  return {
    ...policy,
    Statement: policy.Statement.filter((statement) => !sids.includes(statement.Sid ?? '')),
  };
}

let userCount = 0;

/** Calls the emulator's IAM query API (while enforcement is off, moto does not check the signature). */
async function iam(params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `AWS4-HMAC-SHA256 Credential=${env.AWS_ACCESS_KEY_ID}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action} failed: HTTP ${response.status} ${text}`);
  return text;
}

/** Creates an IAM user holding exactly `policy` (inline) and returns its access keys as env. */
async function userWith(policy: Policy): Promise<Record<string, string>> {
  const user = `least-privilege-${++userCount}`;
  await iam({ Action: 'CreateUser', UserName: user });
  await iam({
    Action: 'PutUserPolicy',
    UserName: user,
    PolicyName: 'action',
    PolicyDocument: JSON.stringify(forMoto(policy)),
  });
  const keys = await iam({ Action: 'CreateAccessKey', UserName: user });
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(keys)?.[1];
  const id = field('AccessKeyId');
  const secret = field('SecretAccessKey');
  if (!id || !secret) throw new Error(`CreateAccessKey answered without keys: ${keys}`);
  return { ...env, AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret };
}

/** Runs an action with the given user's credentials while IAM is enforced. */
async function runEnforced(
  action: string,
  credentials: Record<string, string>,
  options: Omit<Parameters<typeof runAction>[1] & object, 'env'>,
): Promise<ActionRun> {
  await enforceIam(true);
  try {
    return await runAction(action, { ...options, env: credentials });
  } finally {
    await enforceIam(false);
  }
}

/** Everything the step reported as errors, for assertions and failure messages. */
const errors = (run: ActionRun): string =>
  run.annotations
    .filter((annotation) => annotation.level === 'error')
    .map((annotation) => annotation.message)
    .join('\n');

function expectSuccess(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`exit ${run.exitCode}: ${errors(run)}\n${run.log.slice(-3000)}`);
}

afterAll(async () => {
  // The emulator is shared by every e2e file and /moto-api/reset does not touch this setting.
  await enforceIam(false);
  temps.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** Runs the block only when the action's bundle exists (an action not written yet is skipped). */
const describeIfBuilt = (action: string) =>
  existsSync(path.join(ROOT, 'actions', action, 'dist', 'index.js')) ? describe : describe.skip;

function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-ws-'));
  temps.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

describe('enforcement itself', () => {
  it('refuses the emulator dummy credentials while on, and accepts them again when off', async () => {
    const s3 = factory.create(S3Client, 'S3');
    await s3.send(new CreateBucketCommand({ Bucket: 'iam-probe' }));
    await enforceIam(true);
    try {
      await expect(s3.send(new ListObjectsV2Command({ Bucket: 'iam-probe' }))).rejects.toThrow();
    } finally {
      await enforceIam(false);
    }
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'iam-probe' }))).resolves.toBeDefined();
  });
});

describeIfBuilt('sync-playbooks')('iam/sync-playbooks.json', () => {
  const s3 = factory.create(S3Client, 'S3');
  const bucket = 'iam-playbooks';
  const prefix = 'fleet/ecs-node';
  const policy = () => renderPolicy('sync-playbooks', { PlaybooksBucket: bucket, PlaybooksPrefix: prefix });
  const playbooks = {
    'playbooks/site.yml': '- hosts: localhost\n  tasks: []\n',
    'playbooks/roles/node/tasks/main.yml': '- ansible.builtin.debug: msg=hi\n',
  };
  const inputs = { source: 'playbooks', bucket, prefix, 'keep-releases': 10 };

  /** The pointer's content, to show that refused runs moved nothing. */
  const pointer = async (): Promise<string | undefined> =>
    (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/` }))).Contents?.map(
      (object) => `${object.Key} ${object.ETag}`,
    )
      .sort()
      .join('\n');

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('publishes a release under exactly its policy', async () => {
    const run = await runEnforced('sync-playbooks', await userWith(policy()), {
      inputs,
      workspace: workspaceWith(playbooks),
    });
    expectSuccess(run);
    expect(run.outputs.changed).toBe('true');
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents!.map((o) => o.Key);
    expect(keys).toContain(`${prefix}/current.json`);
    expect(keys).toContain(`${prefix}/releases/${run.outputs['release-id']}.json`);
  });

  // moto's S3 AccessDenied says only "Access Denied"; the action's error names the call it made.
  it.each([
    ['ListTheReleaseStore', /Could not list s3:\/\/iam-playbooks\/fleet\/ecs-node\/\S+: AccessDenied/],
    [
      'ReadAndPublishReleases',
      /Could not read s3:\/\/iam-playbooks\/fleet\/ecs-node\/current\.json: AccessDenied/,
    ],
  ])('fails naming the call when statement %s is removed, and publishes nothing', async (sid, message) => {
    const before = await pointer();
    const run = await runEnforced('sync-playbooks', await userWith(without(policy(), sid)), {
      inputs,
      workspace: workspaceWith({ ...playbooks, 'playbooks/new.yml': 'x: 1\n' }),
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(message);
    expect(await pointer()).toEqual(before);
  });

  it('is scoped to its bucket and prefix: the policy for another prefix is refused', async () => {
    const other = renderPolicy('sync-playbooks', { PlaybooksBucket: bucket, PlaybooksPrefix: 'elsewhere' });
    const run = await runEnforced('sync-playbooks', await userWith(other), {
      inputs,
      workspace: workspaceWith({ ...playbooks, 'playbooks/other.yml': 'y: 2\n' }),
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(
      /Could not read s3:\/\/iam-playbooks\/fleet\/ecs-node\/current\.json: AccessDenied/,
    );
  });
});

describeIfBuilt('promote')('iam/promote.json', () => {
  const ecs = factory.create(ECSClient, 'ECS');
  const cloudwatch = factory.create(CloudWatchClient, 'CLOUDWATCH');
  const image = (n: number) => `registry.example.com/shop/web@sha256:${String(n).repeat(64)}`;

  /** stage-<id>/web runs a new digest-pinned revision, prod-<id>/web an old one; gate alarms OK for 2 h. */
  async function fixture(id: string) {
    const source = `stage-${id}`;
    const target = `prod-${id}`;
    const register = async (n: number) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: `shop-${id}`,
            containerDefinitions: [{ name: 'web', image: image(n), memory: 128, essential: true }],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    for (const clusterName of [source, target]) await ecs.send(new CreateClusterCommand({ clusterName }));
    const oldArn = await register(1);
    const newArn = await register(2);
    await ecs.send(
      new CreateServiceCommand({
        cluster: target,
        serviceName: 'web',
        taskDefinition: oldArn,
        desiredCount: 1,
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: source,
        serviceName: 'web',
        taskDefinition: newArn,
        desiredCount: 1,
      }),
    );
    const gateAlarm = `${source}-web-5xx`;
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: gateAlarm,
        Namespace: 'Shop',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    // The emulator's test control: the alarm has been OK for two hours, so the soak has passed.
    const backdated = await fetch(`${endpoint}/emulator-api/alarm-state`, {
      method: 'POST',
      body: JSON.stringify({
        region: 'us-east-1',
        alarmName: gateAlarm,
        state: 'OK',
        timestamp: new Date(Date.now() - 2 * 3600_000).toISOString(),
      }),
    });
    expect(backdated.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the source deployment outlives the 1 s soak
    const policy = renderPolicy('promote', {
      Region: 'us-east-1',
      AccountId: ACCOUNT_ID,
      SourceCluster: source,
      TargetCluster: target,
      EventsRoleName: 'iam-shop-scheduler',
    });
    const inputs = {
      'source-cluster': source,
      'target-cluster': target,
      services: 'web',
      'gate-alarms': gateAlarm,
      soak: '1s',
      bake: '1s',
      'poll-interval': '1s',
      timeout: '60s',
    };
    return { source, target, oldArn, newArn, policy, inputs };
  }

  const targetRevision = async (cluster: string) =>
    (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services![0].taskDefinition;

  it('promotes under exactly its policy', async () => {
    const f = await fixture('iam-ok');
    const run = await runEnforced('promote', await userWith(f.policy), { inputs: f.inputs });
    expectSuccess(run);
    expect(run.outputs.result).toBe('promoted');
    expect(await targetRevision(f.target)).toBe(f.newArn);
  });

  it.each([
    ['GateAndBakeOnAlarms', 'monitoring:DescribeAlarms'],
    ['DeployToTargetServicesOnly', 'ecs:UpdateService'],
    ['ReadSourceAndTargetServices', 'ecs:DescribeServices'],
  ])(
    'fails naming the denied call when statement %s is removed, and leaves the target alone',
    async (sid, call) => {
      const f = await fixture(`iam-${sid.toLowerCase()}`);
      const run = await runEnforced('promote', await userWith(without(f.policy, sid)), { inputs: f.inputs });
      expect(run.exitCode).not.toBe(0);
      expect(errors(run)).toContain(`is not authorized to perform: ${call}`);
      expect(await targetRevision(f.target)).toBe(f.oldArn);
    },
  );
});

describeIfBuilt('deploy')('iam/deploy.json', () => {
  const ecs = factory.create(ECSClient, 'ECS');
  const cluster = 'iam-deploy';
  const family = 'iam-shop';
  const policy = () =>
    renderPolicy('deploy', {
      Region: 'us-east-1',
      AccountId: ACCOUNT_ID,
      Cluster: cluster,
      TaskFamily: family,
      TaskRoleName: 'iam-shop-task',
      ExecutionRoleName: 'iam-shop-execution',
      EventsRoleName: 'iam-shop-scheduler',
    });
  const workspace = workspaceWith({
    'task-definition.json': JSON.stringify({
      family,
      networkMode: 'bridge',
      containerDefinitions: [{ name: 'web', image: 'nginx:${TAG}', memory: 128, essential: true }],
    }),
  });
  const inputs = (tag: string) => ({
    'task-definition': 'task-definition.json',
    vars: `TAG=${tag}`,
    cluster,
    services: 'web',
    'scheduled-tasks': 'none',
    'poll-interval': '200ms',
    timeout: '60s',
  });
  const running = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services![0].taskDefinition;

  beforeAll(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const first = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'bridge',
        containerDefinitions: [{ name: 'web', image: 'nginx:1', memory: 128, essential: true }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: first.taskDefinition!.taskDefinitionArn!,
        desiredCount: 1,
      }),
    );
  });

  it('registers and rolls out under exactly its policy', async () => {
    const run = await runEnforced('deploy', await userWith(policy()), { inputs: inputs('2'), workspace });
    expectSuccess(run);
    expect(run.outputs.result).toBe('deployed');
    expect(await running()).toBe(run.outputs['task-definition-arn']);
  });

  it.each([
    ['RollOutServices', 'ecs:DescribeServices'],
    ['RegisterTaskDefinitions', 'ecs:DescribeTaskDefinition'],
  ])(
    'fails naming the denied call when statement %s is removed, and leaves the service alone',
    async (sid, call) => {
      const before = await running();
      const run = await runEnforced('deploy', await userWith(without(policy(), sid)), {
        inputs: inputs(`3-${sid}`),
        workspace,
      });
      expect(run.exitCode).not.toBe(0);
      expect(errors(run)).toContain(`is not authorized to perform: ${call}`);
      expect(await running()).toBe(before);
    },
  );
});

describeIfBuilt('bake-ami')('iam/bake-ami.json', () => {
  // A Packer stand-in that builds through the emulator's EC2 API with the step's credentials, so
  // Packer's own calls are checked against the policy's PackerBuildInstance statement too.
  const ec2 = emulatorEc2(env);
  const policy = () =>
    renderPolicy('bake-ami', {
      Region: 'us-east-1',
      AccountId: ACCOUNT_ID,
      PlaybooksBucket: 'iam-playbooks',
      PlaybooksPrefix: 'ecs-node',
      NodeInstanceRoleName: 'iam-ecs-node',
    });
  afterAll(cleanUpBakeWorkspaces);

  it('bakes (Packer included), tags and moves a launch template under exactly its policy', async () => {
    const workspace = bakeWorkspace('iam happy path');
    const template = await createLaunchTemplate(ec2, 'iam-nodes');
    const run = await runEnforced('bake-ami', await userWith(policy()), {
      inputs: bakeInputs(workspace, 'iam-node', { 'launch-templates': 'iam-nodes' }),
      workspace: workspace.dir,
    });
    expectSuccess(run);
    expect(run.outputs.skipped).toBe('false');
    expect(workspace.packerRuns()).toHaveLength(2);
    const images = await imagesNamed(ec2, 'iam-node');
    expect(images.map((image) => image.id)).toEqual([run.outputs['ami-id']]);
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template, Versions: ['$Default'] }),
    );
    expect(versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId).toBe(run.outputs['ami-id']);
  });

  it.each([
    ['PackerBuildInstance', 'ec2:RunInstances'],
    ['NewLaunchTemplateVersions', 'ec2:CreateLaunchTemplateVersion'],
  ])('fails naming the denied call when statement %s is removed', async (sid, call) => {
    const workspace = bakeWorkspace(`iam without ${sid}`);
    const name = `iam-nodes-${sid.toLowerCase()}`;
    const template = await createLaunchTemplate(ec2, name);
    const run = await runEnforced('bake-ami', await userWith(without(policy(), sid)), {
      inputs: bakeInputs(workspace, `iam-${sid.toLowerCase()}`, { 'launch-templates': name }),
      workspace: workspace.dir,
    });
    expect(run.exitCode).not.toBe(0);
    expect(`${errors(run)}\n${run.log}`).toContain(call);
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template }),
    );
    expect(versions.LaunchTemplateVersions).toHaveLength(1);
  });
});
