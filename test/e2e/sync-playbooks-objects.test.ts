/**
 * actions/sync-playbooks, the committed bundle: which requests a sync makes to learn what S3
 * holds. By default the current manifest says which objects exist (a manifest is only written
 * after its objects), so every object is listed only to prune, when a release is dropped;
 * `verify-objects` lists them on every run, to repair objects deleted by hand and to sweep
 * objects no release references. Requests are seen through a recording proxy in front of the
 * emulator.
 */
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import {
  bucketKeys,
  cleanUpWorkspaces,
  newBucket,
  playbookTree,
  playbookWorkspace,
  readPointer,
  sha256,
  verifyPointer,
  writePlaybooks,
} from '../support/fixtures/sync-playbooks';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
const PREFIX = 'fleet/ecs-node';
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: 0 });
});
afterAll(async () => {
  await proxy.stop();
  cleanUpWorkspaces();
});

async function sync(
  ws: string,
  bucket: string,
  inputs: Record<string, string | number | boolean> = {},
): Promise<{ run: ActionRun; requests: string[] }> {
  const first = proxy.log.length;
  const run = await runAction('sync-playbooks', {
    workspace: ws,
    env: { ...env, AWS_ENDPOINT_URL: proxy.endpoint },
    inputs: { bucket, source: 'playbooks', prefix: PREFIX, ...inputs },
  });
  if (run.exitCode !== 0) throw new Error(`sync failed:\n${run.log}`);
  return { run, requests: proxy.log.slice(first).map((request) => label(request.method, request.path)) };
}

/** `GET current.json`, `LIST releases/`, `PUT objects/…`: readable names for the request log. */
function label(method: string, url: string): string {
  const [pathname, query = ''] = url.split('?');
  const key = decodeURIComponent(pathname.split('/').slice(2).join('/')).replace(`${PREFIX}/`, '');
  const listed = new URLSearchParams(query).get('prefix');
  if (method === 'GET' && listed !== null) return `LIST ${listed.replace(`${PREFIX}/`, '')}`;
  return `${method} ${key.startsWith('objects/') ? 'objects/…' : key}`;
}

const objectKey = (sha: string) => `${PREFIX}/objects/${sha}`;

async function current(bucket: string) {
  const pointer = await readPointer(s3, bucket, PREFIX);
  if (!pointer) throw new Error(`no pointer in ${bucket}`);
  return pointer;
}

it('learns what exists from the current manifest: a no-op makes three reads and lists no objects', async () => {
  const bucket = await newBucket(s3, 'objects-noop');
  const ws = playbookWorkspace(playbookTree(60, 'v1'));
  const initial = await sync(ws, bucket);
  // There is no manifest to trust yet, so the first sync lists (the empty) objects prefix.
  expect(initial.requests).toContain('LIST objects/');
  const noop = await sync(ws, bucket);
  expect(noop.run.outputs).toMatchObject({ changed: 'false', uploaded: '0', reused: '61' });
  expect(noop.requests.sort()).toEqual(
    ['GET current.json', 'LIST releases/', `GET releases/${initial.run.outputs['release-id']}.json`].sort(),
  );
  writePlaybooks(ws, {
    'roles/r1/tasks/file1.yml': 'changed\n',
    'roles/r2/tasks/file2.yml': 'changed too\n',
  });
  const changed = await sync(ws, bucket);
  expect(changed.run.outputs).toMatchObject({ changed: 'true', uploaded: '2', reused: '59' });
  expect(changed.requests).not.toContain('LIST objects/');
  expect(changed.requests.filter((request) => request === 'PUT objects/…')).toHaveLength(2);
  await verifyPointer(s3, bucket, PREFIX, await current(bucket));
});

it('sends an object an older release still has once, and S3 refuses it instead of storing it twice', async () => {
  const bucket = await newBucket(s3, 'objects-revert');
  const ws = playbookWorkspace({ 'site.yml': 'v1\n', 'roles/a.yml': 'a\n' });
  const v1 = await sync(ws, bucket);
  writePlaybooks(ws, { 'site.yml': 'v2\n' });
  await sync(ws, bucket);
  writePlaybooks(ws, { 'site.yml': 'v1\n' });
  const back = await sync(ws, bucket);
  // The current manifest (v2) does not know site.yml's v1 object; the conditional PUT finds it.
  expect(back.run.outputs).toMatchObject({
    changed: 'true',
    uploaded: '0',
    reused: '2',
    'release-id': v1.run.outputs['release-id'],
  });
  expect(back.requests.filter((request) => request === 'PUT objects/…')).toHaveLength(1);
  expect(back.run.summary).toMatch(/Objects uploaded \| 0 \(0 B\)/);
});

it('lists every object only when it drops a release, and then also deletes what a cancelled run left', async () => {
  const bucket = await newBucket(s3, 'objects-prune');
  const ws = playbookWorkspace(playbookTree(30, 'base'));
  const inputs = { 'keep-releases': 1, 'prune-grace': '0' };
  writePlaybooks(ws, { 'version.txt': 'version 1\n' });
  await sync(ws, bucket, inputs);
  // What a run cancelled after uploading, before writing its manifest, leaves behind.
  const stray = objectKey(sha256('stray\n'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: stray, Body: 'stray\n' }));
  const noop = await sync(ws, bucket, inputs);
  expect(noop.requests).not.toContain('LIST objects/');
  expect(await bucketKeys(s3, bucket)).toContain(stray);
  for (const version of [2, 3]) {
    writePlaybooks(ws, { 'version.txt': `version ${version}\n` });
    const { run, requests } = await sync(ws, bucket, inputs);
    expect(run.outputs['pruned-releases']).toBe('1');
    expect(requests).toContain('LIST objects/');
  }
  const objects = (await bucketKeys(s3, bucket)).filter((key) => key.includes('/objects/'));
  expect(objects).toHaveLength(31 + 1);
  expect(objects).toContain(objectKey(sha256('version 3\n')));
  expect(objects).not.toContain(objectKey(sha256('version 1\n')));
  expect(objects).not.toContain(objectKey(sha256('version 2\n')));
  expect(objects).not.toContain(stray);
});

describe('verify-objects', () => {
  it('re-uploads an object the current release references after someone deleted it', async () => {
    const bucket = await newBucket(s3, 'objects-repair');
    const ws = playbookWorkspace({ 'site.yml': 'site\n', 'roles/a.yml': 'a\n' });
    await sync(ws, bucket);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(sha256('a\n')) }));
    // Trusting the manifest, a plain run does not notice (nodes would refuse the release, naming the file)…
    const trusting = await sync(ws, bucket);
    expect(trusting.run.outputs).toMatchObject({ changed: 'false', uploaded: '0' });
    await expect(verifyPointer(s3, bucket, PREFIX, await current(bucket))).rejects.toThrow(
      'object of roles/a.yml is missing',
    );
    // …and verify-objects lists every object and puts the missing one back, leaving the pointer alone.
    const verified = await sync(ws, bucket, { 'verify-objects': true });
    expect(verified.requests).toContain('LIST objects/');
    expect(verified.run.outputs).toMatchObject({ changed: 'false', uploaded: '1', reused: '1' });
    await verifyPointer(s3, bucket, PREFIX, await current(bucket));
  });

  it('sweeps objects no kept release references even when no release is dropped', async () => {
    const bucket = await newBucket(s3, 'objects-sweep');
    const ws = playbookWorkspace({ 'site.yml': 'site\n' });
    await sync(ws, bucket);
    // What a run cancelled after uploading, before writing its manifest, leaves behind.
    const stray = objectKey(sha256('stray\n'));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: stray, Body: 'stray\n' }));
    await sync(ws, bucket, { 'prune-grace': '0' });
    expect(await bucketKeys(s3, bucket)).toContain(stray);
    await sync(ws, bucket, { 'verify-objects': true });
    expect(await bucketKeys(s3, bucket)).toContain(stray);
    const swept = await sync(ws, bucket, { 'verify-objects': true, 'prune-grace': '0' });
    expect(await bucketKeys(s3, bucket)).not.toContain(stray);
    expect(swept.run.summary).toMatch(/Objects pruned \| 1/);
    await verifyPointer(s3, bucket, PREFIX, await current(bucket));
  });
});
