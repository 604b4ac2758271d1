import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ActionError, withContext } from '../runtime/errors';

/** Server-side encryption for everything written. */
export interface Encryption {
  sse: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
}

export interface ListedKey {
  key: string;
  size: number;
  lastModified: Date;
}

/** A conditional write's precondition: the ETag we read, or "must not exist yet". */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: '*' };

/**
 * The S3 operations a sync needs, each with context for errors. Conditional writes report a
 * lost race as a value instead of an error, because callers handle it.
 */
export class S3Store {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly encryption: Encryption,
  ) {}

  /** `s3://bucket/key`. */
  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** Every key under `prefix` (all pages). */
  async list(prefix: string): Promise<ListedKey[]> {
    const keys: ListedKey[] = [];
    let token: string | undefined;
    do {
      const page = await withContext(`list ${this.uri(prefix)}`, () =>
        this.s3.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        ),
      );
      for (const item of page.Contents ?? [])
        if (item.Key)
          keys.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** The object's text and ETag, or undefined when there is no such key. */
  async get(key: string): Promise<{ text: string; etag: string } | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { text: (await object.Body?.transformToString('utf8')) ?? '', etag: object.ETag ?? '' };
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      return withContext(`read ${this.uri(key)}`, () => Promise.reject(error));
    }
  }

  /**
   * Writes `body` with a SHA-256 checksum S3 verifies (a corrupted upload is rejected, not
   * stored), under `condition`. Returns false when the condition failed (someone else wrote or
   * removed the key first).
   */
  async put(
    key: string,
    body: Buffer | string,
    sha256Base64: string,
    condition?: WriteCondition,
  ): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: key.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: sha256Base64,
          ServerSideEncryption: this.encryption.sse,
          ...(this.encryption.kmsKeyId ? { SSEKMSKeyId: this.encryption.kmsKeyId } : {}),
          ...(condition && 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : {}),
          ...(condition && 'ifNoneMatch' in condition ? { IfNoneMatch: condition.ifNoneMatch } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isLostRace(error)) return false;
      return withContext(`upload ${this.uri(key)}`, () => Promise.reject(error));
    }
  }

  /** Deletes keys, 1,000 per request; fails when S3 reports any key it could not delete. */
  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const result = await withContext(`delete ${batch.length} objects from s3://${this.bucket}`, () =>
        this.s3.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const errors = result.Errors ?? [];
      if (errors.length > 0)
        throw new ActionError(
          `Could not delete ${errors.length} objects from s3://${this.bucket}, e.g. ${errors[0].Key}: ${errors[0].Code} ${errors[0].Message ?? ''}`.trim(),
          { title: 'AWS request failed' },
        );
    }
  }
}

/**
 * A conditional write lost: 412 PreconditionFailed (the ETag moved, or the key now exists),
 * 409 ConditionalRequestConflict (a concurrent conditional write is in flight), or NoSuchKey
 * (If-Match on a key deleted meanwhile).
 */
function isLostRace(error: unknown): boolean {
  const name = (error as Error)?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return (
    name === 'PreconditionFailed' ||
    name === 'ConditionalRequestConflict' ||
    name === 'NoSuchKey' ||
    status === 412 ||
    status === 409
  );
}
