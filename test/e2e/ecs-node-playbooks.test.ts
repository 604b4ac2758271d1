/**
 * ecs-node/playbooks for real: ansible-playbook --syntax-check, ansible-lint, and site.yml run with
 * a local connection under a temp root against a stand-in IMDSv2 (and ECS agent introspection)
 * served here, with the daemon-task fallback checked against the emulator's ECS.
 */
import {
  CreateClusterCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv } from '../support/action-runner';
import { ROOT } from '../support/emulator';
import { ensurePythonTools, type PythonTools } from '../support/python-tools';

const env = emulatorEnv();
Object.assign(process.env, env);
const PLAYBOOKS = path.join(ROOT, 'ecs-node', 'playbooks');
const TOKEN = 'test-imds-token';
let tools: PythonTools;
let imds: Server;
let imdsUrl: string;
const temps: string[] = [];

/** What the stand-in IMDS serves; tests change it. */
const instance = {
  id: 'i-0123456789abcdef0',
  region: 'eu-west-1',
  az: 'eu-west-1b',
  tags: {} as Record<string, string>,
  containerInstanceArn: '',
  cluster: '',
};

/** IMDSv2: a token from PUT /latest/api/token is required on every GET. */
function startImds(): Promise<void> {
  imds = createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '');
    const reply = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(body);
    };
    if (request.method === 'PUT' && url === '/latest/api/token') {
      return request.headers['x-aws-ec2-metadata-token-ttl-seconds'] ? reply(200, TOKEN) : reply(400, '');
    }
    if (url === '/v1/metadata')
      return reply(
        200,
        JSON.stringify({ Cluster: instance.cluster, ContainerInstanceArn: instance.containerInstanceArn }),
      );
    if (request.headers['x-aws-ec2-metadata-token'] !== TOKEN) return reply(401, '');
    const tagKeys = Object.keys(instance.tags);
    const routes: Record<string, string | undefined> = {
      '/latest/meta-data/instance-id': instance.id,
      '/latest/meta-data/placement/region': instance.region,
      '/latest/meta-data/placement/availability-zone': instance.az,
      '/latest/meta-data/tags/instance': tagKeys.length ? tagKeys.join('\n') : undefined,
    };
    if (url.startsWith('/latest/meta-data/tags/instance/')) {
      const value = instance.tags[url.slice('/latest/meta-data/tags/instance/'.length)];
      return value === undefined ? reply(404, '') : reply(200, value);
    }
    const body = routes[url];
    return body === undefined ? reply(404, '') : reply(200, body);
  });
  return new Promise((resolve) =>
    imds.listen(0, '127.0.0.1', () => {
      imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  tools = ensurePythonTools();
  await startImds();
});
afterAll(async () => {
  await new Promise((resolve) => imds.close(resolve));
  temps.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** Runs site.yml with the test IMDS, no systemctl/dnf, under a temp root. */
function playbook(
  root: string,
  vars: Record<string, unknown> = {},
): Promise<{ code: number | null; output: string }> {
  const extraVars = {
    ecs_node_root: root,
    ecs_node_imds_endpoint: imdsUrl,
    ecs_node_manage_services: false,
    ecs_node_install_packages: false,
    ecs_node_release: 'rel-42',
    ecs_node_sync_source: 's3://acme-playbooks/prod/ecs-node',
    ansible_python_interpreter: tools.python,
    ...vars,
  };
  // Asynchronous: the stand-in IMDS is served by this process, so it must not block.
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(
      tools.ansiblePlaybook,
      ['-i', 'localhost,', '-c', 'local', 'site.yml', '-e', JSON.stringify(extraVars)],
      {
        cwd: PLAYBOOKS,
        // The servers are local: keep any proxy settings of the machine out of the way.
        env: { ...process.env, ...env, ANSIBLE_NOCOLOR: '1', NO_PROXY: '*', no_proxy: '*' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function expectOk(run: { code: number | null; output: string }): void {
  if (run.code !== 0) throw new Error(`site.yml failed (exit ${run.code}):\n${run.output}`);
}

function tempRoot(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'playbook-root-'));
  temps.push(dir);
  return dir;
}

/** Sources a file with sh and prints the named variables, one per line. */
function source(file: string, names: string[]): string[] {
  const script = `. "$1" && ${names.map((name) => `printf '%s\\n' "$${name}"`).join(' && ')}`;
  const run = spawnSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split('\n').slice(0, names.length);
}

describe('ecs-node playbooks', () => {
  it('pass ansible-playbook --syntax-check', () => {
    const run = spawnSync(tools.ansiblePlaybook, ['--syntax-check', '-i', 'localhost,', 'site.yml'], {
      cwd: PLAYBOOKS,
      encoding: 'utf8',
    });
    expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
  });

  it('pass ansible-lint with the production profile', () => {
    const run = spawnSync(tools.ansibleLint, ['--nocolor'], {
      cwd: PLAYBOOKS,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${tools.bin}:${process.env.PATH}` },
    });
    expect([run.status, `${run.stdout}${run.stderr}`]).toEqual([
      0,
      expect.stringContaining("Profile 'production' was required, and it passed"),
    ]);
  });

  it('write node.config and ecs.config from instance metadata and tags, idempotently', async () => {
    instance.tags = {
      env: 'production',
      cluster: 'web-prod',
      Name: 'web node',
      'config:log-level': 'debug',
      'config:JAVA_OPTS': `-Xmx2g -Dname='x' $HOME`,
      'config:ENVIRONMENT': 'cannot-override',
    };
    const root = tempRoot();
    mkdirSync(path.join(root, 'etc', 'ecs'), { recursive: true });
    writeFileSync(
      path.join(root, 'etc', 'ecs', 'ecs.config'),
      'ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\nECS_CLUSTER=old\n',
    );
    const run = await playbook(root, {
      ecs_node_ntp_servers: ['10.0.0.1', 'ntp.internal'],
      ecs_node_syslog_target: 'logs.internal:6514',
      ecs_node_ecs_config_extra: { ECS_RESERVED_MEMORY: '256' },
    });
    expectOk(run);

    const nodeConfig = path.join(root, 'etc', 'container_config', 'node.config');
    expect(
      source(nodeConfig, [
        'ENVIRONMENT',
        'CLUSTER',
        'REGION',
        'AZ',
        'INSTANCE_ID',
        'ECS_NODE_RELEASE',
        'LOG_LEVEL',
        'JAVA_OPTS',
      ]),
    ).toEqual([
      'production',
      'web-prod',
      'eu-west-1',
      'eu-west-1b',
      'i-0123456789abcdef0',
      'rel-42',
      'debug',
      `-Xmx2g -Dname='x' $HOME`,
    ]);
    expect(readFileSync(nodeConfig, 'utf8')).not.toContain('cannot-override');
    expect(readFileSync(nodeConfig, 'utf8')).not.toContain('NAME=');

    expect(readFileSync(path.join(root, 'etc', 'ecs', 'ecs.config'), 'utf8')).toBe(
      'ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\nECS_CLUSTER=web-prod\nECS_ENABLE_CONTAINER_METADATA=true\nECS_RESERVED_MEMORY=256\n',
    );
    expect(readFileSync(path.join(root, 'etc', 'chrony.d', 'ecs-node.sources'), 'utf8')).toContain(
      'server 10.0.0.1 iburst\nserver ntp.internal iburst\n',
    );
    expect(readFileSync(path.join(root, 'etc', 'rsyslog.d', '90-ecs-node-forward.conf'), 'utf8')).toMatch(
      /target="logs.internal" port="6514" protocol="tcp"/,
    );
    expect(readFileSync(path.join(root, 'etc', 'ecs-node', 'sync.env'), 'utf8')).toContain(
      'ECS_NODE_SYNC_SOURCE=s3://acme-playbooks/prod/ecs-node',
    );
    const service = readFileSync(
      path.join(root, 'etc', 'systemd', 'system', 'ecs-node-sync.service'),
      'utf8',
    );
    expect(service).toContain('ExecStart=/usr/local/bin/ecs-node-sync ${ECS_NODE_SYNC_SOURCE} --jitter 120');
    const timer = readFileSync(path.join(root, 'etc', 'systemd', 'system', 'ecs-node-sync.timer'), 'utf8');
    expect(timer).toContain('OnUnitInactiveSec=15min');
    const boot = readFileSync(
      path.join(root, 'etc', 'systemd', 'system', 'ecs-node-sync-boot.service'),
      'utf8',
    );
    expect(boot).toContain('Before=ecs.service');

    const again = await playbook(root, {
      ecs_node_ntp_servers: ['10.0.0.1', 'ntp.internal'],
      ecs_node_syslog_target: 'logs.internal:6514',
      ecs_node_ecs_config_extra: { ECS_RESERVED_MEMORY: '256' },
    });
    expect(again.output).toMatch(/localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/);
  });

  it('removes time sync and forwarding settings when the variables are cleared', async () => {
    instance.tags = { env: 'staging', cluster: 'web-staging' };
    const root = tempRoot();
    expect(
      (await playbook(root, { ecs_node_ntp_servers: ['10.0.0.1'], ecs_node_syslog_target: 'logs:514' })).code,
    ).toBe(0);
    expect((await playbook(root)).code).toBe(0);
    expect(existsSync(path.join(root, 'etc', 'chrony.d', 'ecs-node.sources'))).toBe(false);
    expect(existsSync(path.join(root, 'etc', 'rsyslog.d', '90-ecs-node-forward.conf'))).toBe(false);
  });

  it('fails clearly when the instance has no env or cluster tag', async () => {
    instance.tags = { Name: 'untagged' };
    const run = await playbook(tempRoot());
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("needs the tags 'env' and 'cluster'");
    expect(run.output).toContain('Found tags: Name');
  });

  it('lets variables stand in for the tags', async () => {
    instance.tags = {};
    const root = tempRoot();
    const run = await playbook(root, { ecs_node_environment: 'dev', ecs_node_cluster: 'dev-cluster' });
    expect(run.code).toBe(0);
    expect(
      source(path.join(root, 'etc', 'container_config', 'node.config'), ['ENVIRONMENT', 'CLUSTER']),
    ).toEqual(['dev', 'dev-cluster']);
  });

  it('starts daemon tasks on this container instance only when they are not running', async () => {
    const ecs = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(ECSClient, 'ECS');
    await ecs.send(new CreateClusterCommand({ clusterName: 'daemons' }));
    // The emulator registers container instances only for EC2 instances it knows.
    const ec2 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(EC2Client, 'EC2');
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0].ImageId!;
    const launched = await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1 }));
    instance.id = launched.Instances![0].InstanceId!;
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'daemons',
        instanceIdentityDocument: JSON.stringify({ instanceId: instance.id, region: 'us-east-1' }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
        ],
      }),
    );
    instance.containerInstanceArn = registered.containerInstance!.containerInstanceArn!;
    instance.cluster = 'daemons';
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'log-shipper',
        containerDefinitions: [{ name: 'shipper', image: 'fluent-bit:3', memory: 128, essential: true }],
      }),
    );
    instance.tags = { env: 'production', cluster: 'daemons' };
    const vars = {
      ecs_node_region: 'us-east-1',
      ecs_node_daemon_mode: 'start-task',
      ecs_node_daemon_tasks: [{ name: 'log-shipper', task_definition: 'log-shipper' }],
      ecs_node_agent_endpoint: imdsUrl,
    };
    const root = tempRoot();
    const first = await playbook(root, vars);
    expect([first.code, first.output]).toEqual([0, expect.stringContaining('started log-shipper')]);
    const second = await playbook(root, vars);
    expect([second.code, second.output]).toEqual([0, expect.stringContaining('running log-shipper')]);
    expect(second.output).toMatch(/changed=0/);
    const tasks = await ecs.send(
      new ListTasksCommand({
        cluster: 'daemons',
        startedBy: 'ecs-node:log-shipper',
        containerInstance: instance.containerInstanceArn,
      }),
    );
    expect(tasks.taskArns).toHaveLength(1);
  });
});
