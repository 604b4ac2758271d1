import path from 'node:path';
import { resolveRegion } from '../../../src/shared/aws/region';
import { InputError } from '../../../src/shared/runtime/errors';
import { Inputs } from '../../../src/shared/runtime/inputs';
import { globProblem } from '../../../src/shared/sync/glob';
import { prefixProblem, RELEASE_ID_PATTERN } from '../../../src/shared/sync/layout';
import type { Encryption } from '../../../src/shared/sync/s3-store';

/** Input names, exactly as in action.yml. */
export const INPUTS = {
  source: 'source',
  bucket: 'bucket',
  prefix: 'prefix',
  releaseId: 'release-id',
  keepReleases: 'keep-releases',
  pruneGrace: 'prune-grace',
  exclude: 'exclude',
  sse: 'sse',
  kmsKeyId: 'kms-key-id',
  verifyObjects: 'verify-objects',
  dryRun: 'dry-run',
  region: 'region',
} as const;

/** Output names, exactly as in action.yml. */
export const OUTPUTS = {
  releaseId: 'release-id',
  pointerUri: 'pointer-uri',
  manifestUri: 'manifest-uri',
  uploaded: 'uploaded',
  reused: 'reused',
  prunedReleases: 'pruned-releases',
  changed: 'changed',
} as const;

/** Files larger than this are refused: playbooks are text, and nodes download every file. */
export const MAX_FILE_SIZE = 64 * 1024 * 1024;

export interface SyncInputs {
  /** Absolute path of the directory to publish. */
  source: string;
  bucket: string;
  prefix: string;
  releaseId?: string;
  keepReleases: number;
  pruneGraceMs: number;
  exclude: string[];
  encryption: Encryption;
  verifyObjects: boolean;
  dryRun: boolean;
  region: string;
}

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses and validates every input, before any file is read or AWS called. */
export function parseInputs(inputs = new Inputs(), env: NodeJS.ProcessEnv = process.env): SyncInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const source = path.resolve(workspace, inputs.string(INPUTS.source, 'ecs-node/playbooks'));
  const bucket = inputs.required(INPUTS.bucket, 'Name the S3 bucket nodes pull their playbooks from');
  if (bucket.startsWith('s3://'))
    throw new InputError(
      INPUTS.bucket,
      `must be a bucket name, not a URI: '${bucket}'`,
      'Put the path in prefix',
    );
  if (!BUCKET_PATTERN.test(bucket) || bucket.includes('..'))
    throw new InputError(INPUTS.bucket, `is not a valid S3 bucket name: '${bucket}'`);
  const prefix = inputs.string(INPUTS.prefix, 'ecs-node');
  const problem = prefixProblem(prefix);
  if (problem)
    throw new InputError(
      INPUTS.prefix,
      `${problem}: '${prefix}'`,
      'Use a path such as ecs-node or platform/ecs-node',
    );
  const releaseId = inputs.optional(INPUTS.releaseId);
  if (releaseId !== undefined && !RELEASE_ID_PATTERN.test(releaseId))
    throw new InputError(
      INPUTS.releaseId,
      `is not a valid release id: '${releaseId}'`,
      'Use up to 128 letters, digits, ., _ and -, starting with a letter or digit',
    );
  const exclude = inputs.list(INPUTS.exclude);
  for (const pattern of exclude) {
    const globError = globProblem(pattern);
    if (globError) throw new InputError(INPUTS.exclude, globError);
  }
  const sse = inputs.choice(INPUTS.sse, ['AES256', 'aws:kms'] as const, 'AES256');
  const kmsKeyId = inputs.optional(INPUTS.kmsKeyId);
  if (kmsKeyId && sse !== 'aws:kms')
    throw new InputError(
      INPUTS.kmsKeyId,
      'is only used with sse: aws:kms',
      'Set sse to aws:kms or remove kms-key-id',
    );
  return {
    source,
    bucket,
    prefix: prefix.replace(/\/$/, ''),
    releaseId,
    keepReleases: inputs.integer(INPUTS.keepReleases, { default: 10, min: 1, max: 1000 }),
    pruneGraceMs: inputs.duration(INPUTS.pruneGrace, { default: '1h', min: 0 }),
    exclude,
    encryption: { sse, ...(kmsKeyId ? { kmsKeyId } : {}) },
    verifyObjects: inputs.boolean(INPUTS.verifyObjects, false),
    dryRun: inputs.boolean(INPUTS.dryRun, false),
    region: resolveRegion(inputs.optional(INPUTS.region), env),
  };
}
