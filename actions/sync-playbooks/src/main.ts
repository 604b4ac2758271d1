import { S3Client } from '@aws-sdk/client-s3';
import { ClientFactory } from '../../../src/shared/aws/client-factory';
import { runAction } from '../../../src/shared/runtime/run-action';
import { layoutFor } from '../../../src/shared/sync/layout';
import { S3Store } from '../../../src/shared/sync/s3-store';
import { syncTree } from '../../../src/shared/sync/sync';
import { readTree } from '../../../src/shared/sync/tree';
import { MAX_FILE_SIZE, OUTPUTS, parseInputs } from './inputs';
import { renderSummary } from './summary';

/** Publishes a playbook tree as an atomic, checksummed release nodes pull from S3. */
export async function run(): Promise<void> {
  await runAction('Sync playbooks', async ({ logger, summary, setOutput }) => {
    const inputs = parseInputs();
    // Hashed while S3 is read (syncTree awaits both); a problem with the files still fails the
    // run before any write.
    const reading = readTree(inputs.source, { exclude: inputs.exclude, maxFileSize: MAX_FILE_SIZE });
    const factory = new ClientFactory({ action: 'sync-playbooks', region: inputs.region, logger });
    const store = new S3Store(factory.create(S3Client, 'S3'), inputs.bucket, inputs.encryption);
    const layout = layoutFor(inputs.prefix);
    const result = await syncTree({
      store,
      layout,
      files: reading.then((tree) => tree.files),
      releaseId: inputs.releaseId,
      keepReleases: inputs.keepReleases,
      pruneGraceMs: inputs.pruneGraceMs,
      verifyObjects: inputs.verifyObjects,
      dryRun: inputs.dryRun,
      source: { repository: process.env.GITHUB_REPOSITORY, commit: process.env.GITHUB_SHA },
      logger,
    });
    const tree = await reading;
    logger.info(
      `${tree.files.length} files, ${tree.bytes} bytes${tree.excluded.length ? `; excluded ${tree.excluded.join(', ')}` : ''}`,
    );
    const pointerUri = store.uri(layout.pointerKey);
    const manifestUri = store.uri(result.manifestKey);
    setOutput(OUTPUTS.releaseId, result.releaseId);
    setOutput(OUTPUTS.pointerUri, pointerUri);
    setOutput(OUTPUTS.manifestUri, manifestUri);
    setOutput(OUTPUTS.uploaded, result.published?.uploaded ?? result.plan.uploads.length);
    setOutput(OUTPUTS.reused, result.reused);
    setOutput(OUTPUTS.prunedReleases, result.prune.releases.length);
    setOutput(OUTPUTS.changed, result.changed);
    summary.raw(
      renderSummary(result, {
        pointerUri,
        manifestUri,
        dryRun: inputs.dryRun,
        files: tree.files.length,
        bytes: tree.bytes,
        excluded: tree.excluded.length,
      }),
    );
  });
}
