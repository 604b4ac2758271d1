/**
 * actions/sync-playbooks, the committed bundle, against the emulator's S3: what it publishes,
 * what it reuses, how it prunes, and that dry runs and bad inputs write nothing.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const temps: string[] = [];
let bucketCount = 0;

afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh bucket per test, so tests do not see each other's releases. */
async function newBucket(versioned = false): Promise<string> {
  const bucket = `playbooks-${++bucketCount}-${process.pid}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (versioned)
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  return bucket;
}

/** A workspace holding `playbooks/` with the given files (path → content). */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sync-ws-'));
  temps.push(dir);
  writeTree(path.join(dir, 'playbooks'), files);
  return dir;
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

const BASE = {
  'site.yml': '- hosts: localhost\n  roles: [node]\n',
  'roles/node/tasks/main.yml': '- name: hello\n  ansible.builtin.debug: msg=hi\n',
  'roles/node/templates/node.config.j2': 'ENVIRONMENT={{ env }}\n',
  'files/run.sh': '#!/bin/sh\necho run\n',
  'files/big.bin': 'x'.repeat(300_000),
  'files/copy-of-run.sh': '#!/bin/sh\necho run\n',
};

function sync(ws: string, bucket: string, inputs: Record<string, string | number | boolean> = {}) {
  return runAction('sync-playbooks', {
    workspace: ws,
    env,
    inputs: { bucket, source: 'playbooks', prefix: 'fleet/ecs-node', ...inputs },
  });
}

async function keys(bucket: string): Promise<string[]> {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listing.Contents ?? []).map((item) => item.Key!).sort();
}

async function text(bucket: string, key: string, versionId?: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return object.Body!.transformToString();
}

async function json<T = Record<string, unknown>>(bucket: string, key: string): Promise<T> {
  return JSON.parse(await text(bucket, key)) as T;
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

interface ManifestJson {
  release: string;
  files: { path: string; sha256: string; size: number; mode: string }[];
}

function expectSuccess(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`sync failed:\n${run.log}`);
}

/** Every object a manifest lists exists with the listed size. */
async function expectComplete(bucket: string, manifestKey: string): Promise<void> {
  const manifest = await json<ManifestJson>(bucket, manifestKey);
  for (const file of manifest.files) {
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `fleet/ecs-node/objects/${file.sha256}` }),
    );
    expect([file.path, head.ContentLength]).toEqual([file.path, file.size]);
  }
}

describe('publishing', () => {
  let bucket: string;
  let ws: string;
  let first: ActionRun;

  beforeAll(async () => {
    bucket = await newBucket();
    ws = workspace({ ...BASE, 'old.retry': 'skip me', 'roles/legacy/x.yml': 'skip' });
    mkdirSync(path.join(ws, 'playbooks', '.git'));
    writeFileSync(path.join(ws, 'playbooks', '.git', 'HEAD'), 'ref: main');
    chmodSync(path.join(ws, 'playbooks', 'files', 'run.sh'), 0o755);
    first = await sync(ws, bucket, { exclude: '*.retry\nroles/legacy/' });
    expectSuccess(first);
  });

  it('uploads each distinct content once, checksummed and encrypted, then the manifest and the pointer', async () => {
    expect(first.outputs).toMatchObject({
      changed: 'true',
      uploaded: '5',
      reused: '0',
      'pruned-releases': '0',
    });
    const pointer = await json(bucket, 'fleet/ecs-node/current.json');
    const manifestText = await text(bucket, pointer.manifest as string);
    expect(pointer).toMatchObject({
      release: first.outputs['release-id'],
      manifest: `fleet/ecs-node/releases/${first.outputs['release-id']}.json`,
      sha256: sha256(manifestText),
      source: { repository: 'example/app', commit: '0123456789abcdef0123456789abcdef01234567' },
      previous: null,
    });
    expect(first.outputs['release-id']).toMatch(/^[0-9a-f]{16}$/);
    expect(first.outputs['pointer-uri']).toBe(`s3://${bucket}/fleet/ecs-node/current.json`);
    expect(first.outputs['manifest-uri']).toBe(`s3://${bucket}/${pointer.manifest}`);
    const manifest = JSON.parse(manifestText) as ManifestJson;
    expect(manifest.files.map((file) => [file.path, file.mode])).toEqual([
      ['files/big.bin', '0644'],
      ['files/copy-of-run.sh', '0644'],
      ['files/run.sh', '0755'],
      ['roles/node/tasks/main.yml', '0644'],
      ['roles/node/templates/node.config.j2', '0644'],
      ['site.yml', '0644'],
    ]);
    const run = manifest.files.find((file) => file.path === 'files/run.sh')!;
    expect(run.sha256).toBe(sha256(BASE['files/run.sh']));
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: `fleet/ecs-node/objects/${run.sha256}`,
        ChecksumMode: 'ENABLED',
      }),
    );
    expect(head.ChecksumSHA256).toBe(Buffer.from(run.sha256, 'hex').toString('base64'));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(await text(bucket, `fleet/ecs-node/objects/${run.sha256}`)).toBe(BASE['files/run.sh']);
    await expectComplete(bucket, pointer.manifest as string);
    expect(first.summary).toContain('Published release');
    expect(first.summary).toContain('`files/run.sh` | added');
  });

  it('changes nothing when the content is unchanged', async () => {
    const before = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'fleet/ecs-node/current.json' }),
    );
    const again = await sync(ws, bucket, { exclude: '*.retry\nroles/legacy/' });
    expectSuccess(again);
    expect(again.outputs).toMatchObject({
      changed: 'false',
      uploaded: '0',
      reused: '6',
      'release-id': first.outputs['release-id'],
    });
    const after = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'fleet/ecs-node/current.json' }),
    );
    expect(after.ETag).toBe(before.ETag);
    expect(again.summary).toContain('No change');
  });

  it('uploads exactly the one changed file and moves the pointer', async () => {
    writeFileSync(path.join(ws, 'playbooks', 'site.yml'), '- hosts: localhost\n  roles: [node, extra]\n');
    const changed = await sync(ws, bucket, { exclude: '*.retry\nroles/legacy/' });
    expectSuccess(changed);
    expect(changed.outputs).toMatchObject({ changed: 'true', uploaded: '1', reused: '5' });
    const pointer = await json(bucket, 'fleet/ecs-node/current.json');
    expect(pointer).toMatchObject({
      release: changed.outputs['release-id'],
      previous: first.outputs['release-id'],
    });
    expect(changed.summary).toContain('`site.yml` | modified');
    await expectComplete(bucket, pointer.manifest as string);
  });

  it('publishes a deleted file as a release without it', async () => {
    rmSync(path.join(ws, 'playbooks', 'files', 'big.bin'));
    const removed = await sync(ws, bucket, { exclude: '*.retry\nroles/legacy/' });
    expectSuccess(removed);
    expect(removed.outputs).toMatchObject({ changed: 'true', uploaded: '0' });
    const manifest = await json<ManifestJson>(
      bucket,
      `fleet/ecs-node/releases/${removed.outputs['release-id']}.json`,
    );
    expect(manifest.files.map((file) => file.path)).not.toContain('files/big.bin');
    expect(manifest.files).toHaveLength(5);
    expect(removed.summary).toContain('`files/big.bin` | removed');
  });

  it('publishes earlier content again under its earlier id, reusing the manifest', async () => {
    writeFileSync(path.join(ws, 'playbooks', 'files', 'big.bin'), BASE['files/big.bin']);
    writeFileSync(path.join(ws, 'playbooks', 'site.yml'), BASE['site.yml']);
    const back = await sync(ws, bucket, { exclude: '*.retry\nroles/legacy/' });
    expectSuccess(back);
    expect(back.outputs).toMatchObject({
      changed: 'true',
      uploaded: '0',
      'release-id': first.outputs['release-id'],
    });
  });
});

describe('retention', () => {
  it('keeps the newest releases and the current one, and deletes objects only they referenced', async () => {
    const bucket = await newBucket();
    const ws = workspace(BASE);
    const releases: string[] = [];
    for (const version of [1, 2, 3, 4]) {
      writeFileSync(path.join(ws, 'playbooks', 'version.txt'), `version ${version}\n`);
      const run = await sync(ws, bucket, { 'keep-releases': 2, 'prune-grace': '0' });
      expectSuccess(run);
      releases.push(run.outputs['release-id']);
      expect(run.outputs['pruned-releases']).toBe(version <= 2 ? '0' : '1');
    }
    const all = await keys(bucket);
    expect(all.filter((key) => key.includes('/releases/'))).toEqual(
      releases
        .slice(2)
        .map((id) => `fleet/ecs-node/releases/${id}.json`)
        .sort(),
    );
    const objects = all.filter((key) => key.includes('/objects/')).map((key) => key.split('/').pop());
    expect(objects).not.toContain(sha256('version 1\n'));
    expect(objects).not.toContain(sha256('version 2\n'));
    expect(objects).toEqual(
      expect.arrayContaining([sha256('version 3\n'), sha256('version 4\n'), sha256(BASE['site.yml'])]),
    );
    expect(objects).toHaveLength(5 + 2);
    await expectComplete(bucket, `fleet/ecs-node/releases/${releases[3]}.json`);
  });

  it('keeps unreferenced objects younger than the grace period', async () => {
    const bucket = await newBucket();
    const ws = workspace(BASE);
    for (const version of [1, 2]) {
      writeFileSync(path.join(ws, 'playbooks', 'version.txt'), `version ${version}\n`);
      expectSuccess(await sync(ws, bucket, { 'keep-releases': 1 }));
    }
    const objects = (await keys(bucket)).filter((key) => key.includes('/objects/'));
    expect(objects).toContain(`fleet/ecs-node/objects/${sha256('version 1\n')}`);
    expect((await keys(bucket)).filter((key) => key.includes('/releases/'))).toHaveLength(1);
  });
});

describe('concurrent runs', () => {
  it('never loses an update, and every pointer ever written references a complete release', async () => {
    const bucket = await newBucket(true);
    const runs = await Promise.all(
      [1, 2, 3].map((n) => {
        const files = Object.fromEntries(
          Array.from({ length: 40 }, (_, i) => [`roles/r${n}/file${i}.yml`, `run ${n} file ${i}\n`]),
        );
        return sync(workspace({ ...BASE, ...files }), bucket);
      }),
    );
    runs.forEach(expectSuccess);
    expect(runs.every((run) => run.outputs.changed === 'true')).toBe(true);
    const versions = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'fleet/ecs-node/current.json' }),
    );
    const pointers = await Promise.all(
      (versions.Versions ?? []).map(
        async (version) =>
          JSON.parse(await text(bucket, 'fleet/ecs-node/current.json', version.VersionId)) as {
            release: string;
            manifest: string;
            previous: string | null;
            sha256: string;
          },
      ),
    );
    expect(pointers).toHaveLength(3);
    for (const pointer of pointers) {
      expect(sha256(await text(bucket, pointer.manifest))).toBe(pointer.sha256);
      await expectComplete(bucket, pointer.manifest);
    }
    // Each write names the release it replaced. One chain through all three writes, ending at the
    // current pointer, means no run overwrote another's pointer without having read it.
    const chain: string[] = [];
    let previous: string | null = null;
    for (let link = pointers.find((p) => p.previous === null); link; ) {
      chain.push(link.release);
      previous = link.release;
      link = pointers.find((p) => p.previous === previous);
    }
    expect(chain.sort()).toEqual(pointers.map((p) => p.release).sort());
    expect((await json(bucket, 'fleet/ecs-node/current.json')).release).toBe(previous);
    expect(runs.map((run) => run.outputs['release-id']).sort()).toEqual(
      [...new Set(runs.map((run) => run.outputs['release-id']))].sort(),
    );
  });
});

describe('dry run', () => {
  it('writes nothing on an empty bucket and shows the plan', async () => {
    const bucket = await newBucket();
    const run = await sync(workspace(BASE), bucket, { 'dry-run': true });
    expectSuccess(run);
    expect(await keys(bucket)).toEqual([]);
    expect(run.outputs).toMatchObject({ changed: 'true', uploaded: '5' });
    expect(run.summary).toContain('Dry run');
    expect(run.summary).toContain('`site.yml` | added');
  });

  it('writes nothing over an existing release, prunes nothing, and names the new release', async () => {
    const bucket = await newBucket();
    const ws = workspace(BASE);
    expectSuccess(await sync(ws, bucket));
    writeFileSync(path.join(ws, 'playbooks', 'site.yml'), 'changed\n');
    const before = await keys(bucket);
    const pointer = await text(bucket, 'fleet/ecs-node/current.json');
    const run = await sync(ws, bucket, { 'dry-run': true, 'keep-releases': 1, 'prune-grace': '0' });
    expectSuccess(run);
    expect(await keys(bucket)).toEqual(before);
    expect(await text(bucket, 'fleet/ecs-node/current.json')).toBe(pointer);
    expect(run.outputs['pruned-releases']).toBe('1');
    expect(run.summary).toContain(run.outputs['release-id']);
    expect(run.summary).toContain('`site.yml` | modified');
  });
});

describe('bad inputs fail naming the input and write nothing', () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await newBucket();
  });

  it.each([
    ['bucket', { bucket: '' }],
    ['bucket', { bucket: 's3://some-bucket' }],
    ['prefix', { prefix: '../escape' }],
    ['prefix', { prefix: '/absolute' }],
    ['prefix', { prefix: 'a//b' }],
    ['release-id', { 'release-id': 'has space' }],
    ['keep-releases', { 'keep-releases': '0' }],
    ['prune-grace', { 'prune-grace': 'soon' }],
    ['exclude', { exclude: '!keep-this' }],
    ['sse', { sse: 'DES' }],
    ['kms-key-id', { 'kms-key-id': 'alias/x' }],
    ['dry-run', { 'dry-run': 'maybe' }],
    ['region', { region: 'mars' }],
  ])('%s %j', async (input, inputs) => {
    const run = await sync(workspace(BASE), bucket, inputs);
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]).toMatchObject({ level: 'error', title: `Invalid input: ${input}` });
    expect(run.annotations[0].message).toContain(`'${input}'`);
    expect(await keys(bucket)).toEqual([]);
  });

  it.each([
    [
      'a symlink that leaves the source',
      (dir: string) => symlinkSync('/etc/hostname', path.join(dir, 'leak')),
    ],
    ['a special file', (dir: string) => execFileSync('mkfifo', [path.join(dir, 'pipe')])],
    [
      'an oversized file',
      (dir: string) => {
        writeFileSync(path.join(dir, 'huge.bin'), '');
        truncateSync(path.join(dir, 'huge.bin'), 65 * 1024 * 1024);
      },
    ],
    ['a missing source', (dir: string) => rmSync(dir, { recursive: true })],
  ])('refuses %s', async (_what, prepare) => {
    const ws = workspace(BASE);
    prepare(path.join(ws, 'playbooks'));
    const run = await sync(ws, bucket);
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0].title).toMatch(/^Invalid file: /);
    expect(await keys(bucket)).toEqual([]);
  });

  it('refuses an existing release id with different content', async () => {
    const ws = workspace(BASE);
    expectSuccess(await sync(ws, bucket, { 'release-id': 'v1' }));
    writeFileSync(path.join(ws, 'playbooks', 'site.yml'), 'other\n');
    const before = await keys(bucket);
    const run = await sync(ws, bucket, { 'release-id': 'v1' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0].message).toContain("release 'v1' is already current with different content");
    expect(await keys(bucket)).toEqual(before);
  });
});
