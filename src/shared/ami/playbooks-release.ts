/**
 * The playbook release an image bakes in: read from the `current.json` pointer that
 * sync-playbooks writes (`{"release": "<id>", "manifest": "<key>", "sha256": "<of the manifest>", …}`).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ActionError, InputError, withContext } from '../runtime/errors';

export interface S3Location {
  bucket: string;
  key: string;
}

export interface PlaybooksRelease {
  uri: string;
  release: string;
  /** The manifest's sha256: pins the exact file list, not just the release name. */
  manifestSha256?: string;
  /** `s3://bucket/prefix`: what a node's `ecs-node-sync` is pointed at. */
  prefixUri: string;
}

/** Parses `s3://bucket/key`; throws an `InputError` naming the input otherwise. Pure. */
export function parseS3Uri(value: string, input = 'playbooks-pointer'): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(value.trim());
  if (!match || match[2].endsWith('/'))
    throw new InputError(
      input,
      `is not an S3 object URI: '${value}'`,
      'Use s3://<bucket>/<prefix>/current.json',
    );
  return { bucket: match[1], key: match[2] };
}

/** What the fingerprint hashes for a release. Pure. */
export function releaseFingerprintPart(release: PlaybooksRelease): string {
  return `${release.release}@${release.manifestSha256 ?? ''}`;
}

/** Reads and checks the pointer. */
export async function readPlaybooksRelease(s3: S3Client, uri: string): Promise<PlaybooksRelease> {
  const location = parseS3Uri(uri);
  const object = await withContext(`read the playbooks pointer ${uri}`, () =>
    s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key })),
  );
  const text = (await object.Body?.transformToString()) ?? '';
  let pointer: { release?: unknown; sha256?: unknown };
  try {
    pointer = JSON.parse(text) as typeof pointer;
  } catch {
    throw new ActionError(`The playbooks pointer ${uri} is not JSON`, { title: 'Invalid playbooks pointer' });
  }
  if (typeof pointer?.release !== 'string' || pointer.release === '')
    throw new ActionError(
      `The playbooks pointer ${uri} has no "release"; is it sync-playbooks' current.json?`,
      {
        title: 'Invalid playbooks pointer',
      },
    );
  const slash = location.key.lastIndexOf('/');
  return {
    uri,
    release: pointer.release,
    manifestSha256: typeof pointer.sha256 === 'string' ? pointer.sha256 : undefined,
    prefixUri: `s3://${location.bucket}${slash > 0 ? `/${location.key.slice(0, slash)}` : ''}`,
  };
}
