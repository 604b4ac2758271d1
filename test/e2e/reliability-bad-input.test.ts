/**
 * Malformed inputs, every action: each case must end in a red step with one error annotation
 * naming the input, and write nothing to AWS. "Nothing" is proved twice: every request the
 * action sent went through a recording proxy (fault rate 0) and was a read (Describe/List/Get,
 * S3 GET/HEAD), and the emulator's state is unchanged afterwards (no bucket objects, no new
 * revisions, no service changes, no images, no Packer run).
 */
import { ListTagsForResourceCommand } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import { isReadOperation, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import {
  bakeInputs,
  bakeWorkspace,
  cleanUpBakeWorkspaces,
  createLaunchTemplate,
  emulatorEc2,
  imagesNamed,
  type BakeWorkspace,
} from '../support/fixtures/bake-ami';
import {
  cleanUpDeployWorlds,
  createDeployWorld,
  deployInputs,
  describeWorld,
  familyRevisions,
  primaryStates,
  type DeployWorld,
} from '../support/fixtures/deploy';
import { promoteFixtures, type PromoteFixture } from '../support/fixtures/promote';
import {
  bucketKeys,
  cleanUpWorkspaces,
  newBucket,
  playbookTree,
  playbookWorkspace,
} from '../support/fixtures/sync-playbooks';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const ec2 = emulatorEc2(env);
const promoteWorld = promoteFixtures(env);

let proxy: FaultProxy;
let bucket: string;
let syncWorkspace: string;
let world: DeployWorld;
let promotion: PromoteFixture;
let bake: BakeWorkspace;
const totals = { cases: 0, requests: 0 };

beforeAll(async () => {
  proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: 0 });
  bucket = await newBucket(s3, 'bad-input');
  syncWorkspace = playbookWorkspace(playbookTree(3, 'bad input'));
  world = await createDeployWorld(env, 'bad-input', { services: 2 });
  promotion = await promoteWorld.fixture('bad-input');
  bake = bakeWorkspace('bad-input');
  await createLaunchTemplate(ec2, 'bad-input-nodes');
});

afterAll(async () => {
  process.stderr.write(
    `[reliability-bad-input] ${totals.cases} cases, ${totals.requests} AWS requests in all, every one a read\n`,
  );
  await proxy.stop();
  cleanUpWorkspaces();
  cleanUpDeployWorlds();
  cleanUpBakeWorkspaces();
});

/** Runs the action through the recording proxy; checks the red step and that it only read. */
async function expectRejected(
  action: string,
  inputs: Record<string, string>,
  names: string | RegExp,
  workspace?: string,
): Promise<ActionRun> {
  proxy.log.splice(0);
  const run = await runAction(action, { inputs, env: emulatorEnv(proxy.endpoint), workspace });
  const errors = run.annotations.filter((a) => a.level === 'error');
  expect({ exitCode: run.exitCode, errors: errors.length }).toEqual({ exitCode: 1, errors: 1 });
  expect(errors[0].message).toMatch(typeof names === 'string' ? `'${names}'` : names);
  const writes = proxy.log
    .filter((record) => !isReadOperation(record))
    .map((r) => `${r.service} ${r.operation} ${r.path}`);
  expect(writes).toEqual([]);
  totals.cases++;
  totals.requests += proxy.log.length;
  return run;
}

describe('sync-playbooks', () => {
  const base = () => ({ bucket, source: 'playbooks', prefix: 'ecs-node' });
  it.each([
    ['bucket', { bucket: '' }],
    ['bucket', { bucket: 's3://some-bucket' }],
    ['bucket', { bucket: 'Upper_Case' }],
    ['prefix', { prefix: '../escape' }],
    ['prefix', { prefix: '/absolute' }],
    ['prefix', { prefix: 'a//b' }],
    ['release-id', { 'release-id': 'has space' }],
    ['release-id', { 'release-id': '../up' }],
    ['keep-releases', { 'keep-releases': '0' }],
    ['keep-releases', { 'keep-releases': 'ten' }],
    ['prune-grace', { 'prune-grace': 'soon' }],
    ['exclude', { exclude: '!keep-this' }],
    ['sse', { sse: 'DES' }],
    ['kms-key-id', { 'kms-key-id': 'alias/x' }],
    ['dry-run', { 'dry-run': 'maybe' }],
    ['region', { region: 'mars' }],
  ])('%s %j', async (input, inputs) => {
    await expectRejected('sync-playbooks', { ...base(), ...inputs }, input, syncWorkspace);
    expect(await bucketKeys(s3, bucket)).toEqual([]);
  });

  it('a source directory that does not exist', async () => {
    await expectRejected(
      'sync-playbooks',
      { ...base(), source: 'no-such-dir' },
      /no-such-dir/,
      syncWorkspace,
    );
    expect(await bucketKeys(s3, bucket)).toEqual([]);
  });
});

describe('deploy', () => {
  const expectUnchanged = async () => {
    expect(primaryStates(await describeWorld(world.fleet.clients.ecs, world))).toEqual([
      'bad-input:1/COMPLETED/1',
      'bad-input:1/COMPLETED/1',
    ]);
    expect(await familyRevisions(world.fleet.clients.ecs, world.family)).toHaveLength(1);
  };
  it.each([
    ['task-definition', { 'task-definition': '' }],
    ['task-definition-arn', { 'task-definition-arn': 'bad-input:1' }],
    ['images', { images: 'sidecar=busybox' }],
    ['images', { images: 'app=a\napp=b' }],
    ['vars', { vars: 'NO_EQUALS_SIGN' }],
    ['node-config-volume', { 'node-config-volume': 'relative/path' }],
    ['cluster', { cluster: '' }],
    ['cluster', { cluster: 'has space' }],
    ['services', { services: '' }],
    ['wait', { wait: 'perhaps' }],
    ['timeout', { timeout: 'forever' }],
    ['timeout', { timeout: '10ms' }],
    ['poll-interval', { 'poll-interval': '1ms' }],
    ['rollback', { rollback: 'sometimes' }],
    ['scheduled-tasks', { 'scheduled-tasks': 'bad rule!' }],
    ['pre-deploy-task', { 'pre-deploy-task': '{not json' }],
    ['skip-unchanged', { 'skip-unchanged': 'yes please' }],
    ['pin-digests', { 'pin-digests': 'maybe' }],
    ['dry-run', { 'dry-run': 'x' }],
    ['region', { region: 'mars' }],
  ])('%s %j', async (input, inputs) => {
    await expectRejected('deploy', { ...deployInputs(world, '9'), ...inputs }, input, world.workspace);
    await expectUnchanged();
  });

  it.each([
    ['a task definition file that does not exist', { 'task-definition': 'missing.json' }, /missing\.json/],
    ['an unresolved placeholder', { vars: '' }, /\$\{TAG\}|TAG/],
    ['a cluster that does not exist', { cluster: 'no-such-cluster' }, /no-such-cluster/],
    ['a service that does not exist', { services: 'svc-1,ghost' }, /'ghost'/],
  ])('%s', async (_what, inputs, names) => {
    await expectRejected('deploy', { ...deployInputs(world, '9'), ...inputs }, names, world.workspace);
    await expectUnchanged();
  });
});

describe('promote', () => {
  const expectUnchanged = async () => {
    expect((await promoteWorld.primary(promotion.target)).taskDefinition).toBe(promotion.oldArn);
    const { tags } = await promoteWorld.ecs.send(
      new ListTagsForResourceCommand({ resourceArn: promotion.newArn }),
    );
    expect(tags).toEqual([]);
  };
  it.each([
    ['source-cluster', { 'source-cluster': '' }],
    ['target-cluster', { 'target-cluster': '' }],
    ['services', { services: '' }],
    ['services', { services: 'a:b:c' }],
    ['soak', { soak: 'soon' }],
    ['insufficient-data', { 'insufficient-data': 'ignore' }],
    ['bake', { bake: 'long' }],
    ['rollback', { rollback: 'maybe' }],
    ['wait', { wait: 'later' }],
    ['timeout', { timeout: 'never' }],
    ['poll-interval', { 'poll-interval': 'often' }],
    ['allow-tags', { 'allow-tags': 'sure' }],
    ['dry-run', { 'dry-run': 'perhaps' }],
    ['region', { region: 'mars' }],
  ])('%s %j', async (input, inputs) => {
    await expectRejected('promote', { ...promoteWorld.inputs(promotion), ...inputs }, input);
    await expectUnchanged();
  });
});

describe('bake-ami', () => {
  const expectNothingBuilt = async () => {
    expect(bake.packerRuns()).toEqual([]);
    expect(await imagesNamed(ec2, 'bad-input')).toEqual([]);
  };
  it.each([
    ['template', { template: 'no-such-template' }],
    ['packer', { packer: './no/such/packer' }],
    ['base-ami', { 'base-ami': 'ubuntu-latest' }],
    ['base-ami', { 'base-ami': 'ami-xyz' }],
    ['name-prefix', { 'name-prefix': 'bad prefix!' }],
    ['vars', { vars: 'fingerprint=forged' }],
    ['vars', { vars: 'no-equals' }],
    ['playbooks-pointer', { 'playbooks-pointer': 'https://example.com/current.json' }],
    ['launch-templates', { 'launch-templates': '!!' }],
    ['auto-scaling-groups', { 'auto-scaling-groups': 'nodes' }],
    ['share-with', { 'share-with': '1234' }],
    ['copy-to-regions', { 'copy-to-regions': 'us-east-1' }],
    ['copy-to-regions', { 'copy-to-regions': 'mars' }],
    ['keep', { keep: '0' }],
    ['min-healthy-percent', { 'min-healthy-percent': '101' }],
    ['refresh-timeout', { 'refresh-timeout': '1s' }],
    ['skip-if-unchanged', { 'skip-if-unchanged': 'x' }],
    ['wait-for-refresh', { 'wait-for-refresh': 'x' }],
    ['dry-run', { 'dry-run': 'x' }],
    ['region', { region: 'mars' }],
  ])('%s %j', async (input, inputs) => {
    await expectRejected('bake-ami', { ...bakeInputs(bake, 'bad-input'), ...inputs }, input, bake.dir);
    await expectNothingBuilt();
  });

  it.each([
    ['a base image that does not exist', { 'base-ami': 'ami-0123456789abcdef0' }, /ami-0123456789abcdef0/],
    ['a launch template that does not exist', { 'launch-templates': 'no-such-template' }, /no-such-template/],
  ])('%s', async (_what, inputs, names) => {
    await expectRejected('bake-ami', { ...bakeInputs(bake, 'bad-input'), ...inputs }, names, bake.dir);
    await expectNothingBuilt();
  });
});
