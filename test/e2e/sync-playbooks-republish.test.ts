/**
 * Republishing content whose release already exists (a revert, or the re-run after a run killed
 * between writing the manifest and moving the pointer) reuses the stored manifest, and the
 * pointer carries the sha256 of the bytes really stored, not of a freshly serialised copy.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { emulatorEnv, runAction } from '../support/action-runner';
import {
  cleanUpWorkspaces,
  newBucket,
  playbookWorkspace,
  readPointer,
  verifyPointer,
  writePlaybooks,
} from '../support/fixtures/sync-playbooks';

const env = emulatorEnv();
Object.assign(process.env, env);
const s3 = new ClientFactory({ action: 'e2e', region: 'us-east-1', env }).create(S3Client, 'S3');
afterAll(cleanUpWorkspaces);

it('points back at an existing release with the stored manifest’s checksum', async () => {
  const bucket = await newBucket(s3, 'republish');
  const workspace = playbookWorkspace({
    'site.yml': '- hosts: localhost\n',
    'roles/a/tasks/main.yml': '- ping:\n',
  });
  const sync = () => runAction('sync-playbooks', { inputs: { bucket, source: 'playbooks' }, env, workspace });
  const first = await sync();
  expect(first.exitCode).toBe(0);
  writePlaybooks(workspace, { 'roles/a/tasks/main.yml': '- ping: {}\n' });
  const second = await sync();
  expect(second.outputs['release-id']).not.toBe(first.outputs['release-id']);
  writePlaybooks(workspace, { 'roles/a/tasks/main.yml': '- ping:\n' });
  const revert = await sync();
  expect(revert.exitCode).toBe(0);
  expect(revert.outputs).toMatchObject({
    'release-id': first.outputs['release-id'],
    changed: 'true',
    uploaded: '0',
  });
  const pointer = await readPointer(s3, bucket, 'ecs-node');
  expect(pointer?.release).toBe(first.outputs['release-id']);
  await verifyPointer(s3, bucket, 'ecs-node', pointer!);
});
