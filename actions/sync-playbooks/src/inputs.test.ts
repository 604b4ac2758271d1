import { Inputs } from '../../../src/shared/runtime/inputs';
import { parseInputs } from './inputs';

const parse = (values: Record<string, string>) =>
  parseInputs(new Inputs((name) => values[name]), {
    GITHUB_WORKSPACE: '/work/repo',
    AWS_REGION: 'eu-west-1',
  });

describe('parseInputs', () => {
  it('applies the defaults', () => {
    expect(parse({ bucket: 'my-bucket' })).toEqual({
      source: '/work/repo/ecs-node/playbooks',
      bucket: 'my-bucket',
      prefix: 'ecs-node',
      releaseId: undefined,
      keepReleases: 10,
      pruneGraceMs: 3_600_000,
      exclude: [],
      encryption: { sse: 'AES256' },
      verifyObjects: false,
      dryRun: false,
      region: 'eu-west-1',
    });
  });

  it('reads every input', () => {
    expect(
      parse({
        bucket: 'b.example',
        source: 'infra/playbooks',
        prefix: 'fleet/nodes/',
        'release-id': '2026.01.02-1',
        'keep-releases': '3',
        'prune-grace': '0',
        exclude: '*.retry\n# comment\nroles/old/',
        sse: 'aws:kms',
        'kms-key-id': 'alias/playbooks',
        'verify-objects': 'true',
        'dry-run': 'true',
        region: 'us-west-2',
      }),
    ).toEqual({
      source: '/work/repo/infra/playbooks',
      bucket: 'b.example',
      prefix: 'fleet/nodes',
      releaseId: '2026.01.02-1',
      keepReleases: 3,
      pruneGraceMs: 0,
      exclude: ['*.retry', 'roles/old/'],
      encryption: { sse: 'aws:kms', kmsKeyId: 'alias/playbooks' },
      verifyObjects: true,
      dryRun: true,
      region: 'us-west-2',
    });
  });

  it.each([
    [{}, 'bucket', 'is required'],
    [{ bucket: 'Bad_Bucket' }, 'bucket', 'not a valid S3 bucket name'],
    [{ bucket: 's3://b' }, 'bucket', 'not a URI'],
    [{ bucket: 'b..b' }, 'bucket', 'not a valid'],
    [{ bucket: 'bkt', prefix: '/x' }, 'prefix', 'must not start with /'],
    [{ bucket: 'bkt', prefix: 'x/../y' }, 'prefix', '. or .. segments'],
    [{ bucket: 'bkt', prefix: 'x//y' }, 'prefix', 'empty segments'],
    [{ bucket: 'bkt', 'release-id': '-x' }, 'release-id', 'not a valid release id'],
    [{ bucket: 'bkt', 'release-id': 'a/b' }, 'release-id', 'not a valid release id'],
    [{ bucket: 'bkt', 'keep-releases': '0' }, 'keep-releases', 'at least 1'],
    [{ bucket: 'bkt', exclude: 'ok\n!neg' }, 'exclude', 'negation'],
    [{ bucket: 'bkt', sse: 'none' }, 'sse', 'must be one of'],
    [{ bucket: 'bkt', 'kms-key-id': 'k' }, 'kms-key-id', 'only used with sse: aws:kms'],
    [{ bucket: 'bkt', region: 'moon-1' }, 'region', 'not a region'],
  ])('%j fails on %s', (values, input, message) => {
    expect(() => parse(values as Record<string, string>)).toThrow(`Input '${input}' `);
    expect(() => parse(values as Record<string, string>)).toThrow(message);
  });
});
