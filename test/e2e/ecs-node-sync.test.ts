/**
 * ecs-node/bin/ecs-node-sync run as an ordinary program under a temp ECS_NODE_ROOT, against
 * releases published by the committed sync-playbooks bundle to the emulator.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction } from '../support/action-runner';
import { ROOT } from '../support/emulator';
import { ensurePythonTools, type PythonTools } from '../support/python-tools';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const SCRIPT = path.join(ROOT, 'ecs-node', 'bin', 'ecs-node-sync');
const BUCKET = 'node-sync';
const SOURCE = `s3://${BUCKET}/fleet/ecs-node`;
const temps: string[] = [];
let tools: PythonTools;

beforeAll(async () => {
  tools = ensurePythonTools();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A playbook that proves it ran: it writes the release it was given under the node root. */
const SITE = `- name: Test release
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Record the release
      ansible.builtin.copy:
        content: "{{ ecs_node_release }} from {{ ecs_node_sync_source }}"
        dest: "{{ ecs_node_root }}/applied-marker"
        mode: "0644"
`;

const TREE: Record<string, string | Buffer> = {
  'site.yml': SITE,
  'roles/node/tasks/main.yml': '- name: x\n  ansible.builtin.debug:\n    msg: x\n',
  'files/bin/tool.sh': '#!/bin/sh\necho tool\n',
  'files/blob.bin': Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)),
  'deep/a/b/c/empty.txt': '',
};

/** Publishes `files` with the committed bundle; returns the release id. */
async function publish(files: Record<string, string | Buffer>, executables: string[] = []): Promise<string> {
  const ws = tempDir('node-ws-');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ws, 'playbooks', file)), { recursive: true });
    writeFileSync(path.join(ws, 'playbooks', file), content);
  }
  executables.forEach((file) => chmodSync(path.join(ws, 'playbooks', file), 0o755));
  const run = await runAction('sync-playbooks', {
    workspace: ws,
    env,
    inputs: { bucket: BUCKET, prefix: 'fleet/ecs-node', source: 'playbooks' },
  });
  if (run.exitCode !== 0) throw new Error(run.log);
  return run.outputs['release-id'];
}

interface NodeRun {
  code: number;
  stderr: string;
  durationMs: number;
}

function nodeSync(
  root: string,
  args: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<NodeRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, [SOURCE, ...args], {
      env: {
        ...process.env,
        ...env,
        ECS_NODE_ROOT: root,
        ANSIBLE_PLAYBOOK: tools.ansiblePlaybook,
        ANSIBLE_NOCOLOR: '1',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr, durationMs: Date.now() - started }));
  });
}

async function getText(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToString();
}

const base = (root: string) => path.join(root, 'opt', 'ecs-node');
const current = (root: string) => readlinkSync(path.join(base(root), 'current'));

function expectTree(root: string, files: Record<string, string | Buffer>, executables: string[] = []): void {
  const dir = path.join(base(root), 'current');
  for (const [file, content] of Object.entries(files)) {
    expect([file, readFileSync(path.join(dir, file)).equals(Buffer.from(content))]).toEqual([file, true]);
    const mode = statSync(path.join(dir, file)).mode & 0o777;
    expect([file, mode]).toEqual([file, executables.includes(file) ? 0o755 : 0o644]);
  }
  const listed = (function walk(d: string, prefix = ''): string[] {
    return readdirSync(d).flatMap((name) =>
      statSync(path.join(d, name)).isDirectory()
        ? walk(path.join(d, name), `${prefix}${name}/`)
        : [`${prefix}${name}`],
    );
  })(dir);
  expect(listed.sort()).toEqual(Object.keys(files).sort());
}

describe('ecs-node-sync', () => {
  let release1: string;
  let root: string;

  beforeAll(async () => {
    root = tempDir('node-root-');
  });

  it('exits 3 with a clear message when nothing is published yet', async () => {
    const run = await nodeSync(tempDir('node-empty-'), ['--no-apply']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`nothing is published at ${SOURCE}/current.json yet`);
  });

  it('materialises the release byte for byte and swaps it in', async () => {
    release1 = await publish(TREE, ['files/bin/tool.sh']);
    const run = await nodeSync(root, ['--no-apply']);
    expect([run.code, run.stderr]).toEqual([0, expect.stringContaining(`release ${release1} is now`)]);
    expect(current(root)).toBe(`releases/${release1}`);
    expectTree(root, TREE, ['files/bin/tool.sh']);
    expect(existsSync(path.join(root, 'applied-marker'))).toBe(false);
  });

  it('exits quickly when the release is already in place', async () => {
    const run = await nodeSync(root, ['--no-apply']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`release ${release1} is already in place`);
  });

  it('applies the release with ansible-playbook and records it only then', async () => {
    const run = await nodeSync(root);
    expect([run.code, run.stderr]).toEqual([0, expect.stringContaining(`release ${release1} applied`)]);
    expect(readFileSync(path.join(root, 'applied-marker'), 'utf8')).toBe(`${release1} from ${SOURCE}`);
    const applied = JSON.parse(readFileSync(path.join(base(root), 'state', 'applied.json'), 'utf8'));
    expect(applied).toMatchObject({ release: release1, source: { repository: 'example/app' } });
    const again = await nodeSync(root);
    expect(again.stderr).toContain(`release ${release1} is already applied`);
  });

  it('downloads only the changed object and keeps the previous release for rollback', async () => {
    const tree2 = {
      ...TREE,
      'roles/node/tasks/main.yml': '- name: y\n  ansible.builtin.debug:\n    msg: y\n',
    };
    const release2 = await publish(tree2, ['files/bin/tool.sh']);
    const run = await nodeSync(root);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('4 objects cached, 1 to download');
    expect(current(root)).toBe(`releases/${release2}`);
    expect(readlinkSync(path.join(base(root), 'previous'))).toBe(`releases/${release1}`);
    expectTree(root, tree2, ['files/bin/tool.sh']);
    expect(readFileSync(path.join(root, 'applied-marker'), 'utf8')).toBe(`${release2} from ${SOURCE}`);
  });

  it('refuses a corrupted object, naming the file, and leaves the current release in place', async () => {
    const before = current(root);
    const corrupted = { ...TREE, 'site.yml': `${SITE}# edited\n` };
    const release3 = await publish(corrupted, ['files/bin/tool.sh']);
    const manifest = JSON.parse(await getText(`fleet/ecs-node/releases/${release3}.json`)) as {
      files: { path: string; sha256: string }[];
    };
    const site = manifest.files.find((file) => file.path === 'site.yml')!;
    // Someone (or bit rot) replaces the object's bytes after publishing.
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `fleet/ecs-node/objects/${site.sha256}`,
        Body: 'tampered',
      }),
    );
    const run = await nodeSync(root);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`site.yml: checksum mismatch (expected sha256 ${site.sha256}`);
    expect(run.stderr).toContain('the current one stays in place');
    expect(current(root)).toBe(before);
    expect(readFileSync(path.join(base(root), 'current', 'site.yml'), 'utf8')).toBe(SITE);
    expect(readdirSync(path.join(base(root), 'objects'))).not.toContain(site.sha256);
    // Publishing the same content again repairs nothing by itself (the object exists), but a
    // new release with the right bytes applies.
    const fixed = await publish({ ...corrupted, 'site.yml': `${SITE}# fixed\n` }, ['files/bin/tool.sh']);
    const retry = await nodeSync(root);
    expect([retry.code, current(root)]).toEqual([0, `releases/${fixed}`]);
  });

  it('refuses a manifest that does not match the pointer', async () => {
    const dir = tempDir('node-manifest-');
    const pointer = JSON.parse(await getText(`fleet/ecs-node/current.json`)) as { manifest: string };
    const text = await getText(`${pointer.manifest}`);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: pointer.manifest,
        Body: text.replace('"files"', '"files" '),
      }),
    );
    const run = await nodeSync(dir, ['--no-apply']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/manifest .* has SHA-256 [0-9a-f]{64}, the pointer says/);
    expect(existsSync(path.join(base(dir), 'current'))).toBe(false);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: pointer.manifest, Body: text }));
  });

  it('does not record a release whose playbook fails, and applies it on the next run', async () => {
    const dir = tempDir('node-fail-');
    const failing = await nodeSync(dir, [], { ANSIBLE_PLAYBOOK: '/bin/false' });
    expect(failing.code).toBe(5);
    expect(failing.stderr).toContain('not recorded as applied');
    expect(existsSync(path.join(base(dir), 'state', 'applied.json'))).toBe(false);
    const next = await nodeSync(dir);
    expect(next.code).toBe(0);
    expect(existsSync(path.join(base(dir), 'state', 'applied.json'))).toBe(true);
  });

  it('leaves the work to a run that holds the lock', async () => {
    const dir = tempDir('node-lock-');
    mkdirSync(path.join(base(dir), 'state'), { recursive: true });
    const holder = spawn('flock', [path.join(base(dir), 'state', 'lock'), 'sleep', '20'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const run = await nodeSync(dir, ['--no-apply']);
      expect([run.code, run.stderr]).toEqual([
        0,
        expect.stringContaining('another ecs-node-sync run holds the lock'),
      ]);
      expect(existsSync(path.join(base(dir), 'current'))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it('keeps only the current and previous trees and the objects they use', async () => {
    const releases = readdirSync(path.join(base(root), 'releases'));
    expect(releases.sort()).toEqual(
      [path.basename(current(root)), path.basename(readlinkSync(path.join(base(root), 'previous')))].sort(),
    );
    expect(lstatSync(path.join(base(root), 'current')).isSymbolicLink()).toBe(true);
  });

  it('rejects a source that is not s3://BUCKET/PREFIX', () => {
    const run = spawnSync(SCRIPT, ['s3://bucket'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('source must be s3://BUCKET/PREFIX');
  });
});
