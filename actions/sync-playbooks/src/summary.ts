import { inlineCode, Markdown } from '../../../src/shared/runtime/markdown';
import type { SyncResult } from '../../../src/shared/sync/sync';

/** Changed files listed in the summary; the rest are counted. */
export const MAX_LISTED_CHANGES = 50;

export interface SummaryContext {
  pointerUri: string;
  manifestUri: string;
  dryRun: boolean;
  files: number;
  bytes: number;
  excluded: number;
}

/** The job summary of a sync (or a dry run's plan). */
export function renderSummary(result: SyncResult, context: SummaryContext): string {
  const { plan, published, prune } = result;
  const md = new Markdown();
  md.paragraph(headline(result, context));
  md.table(
    ['', ''],
    [
      ['Release', inlineCode(result.releaseId)],
      ['Previous release', result.previousRelease ? inlineCode(result.previousRelease) : 'none'],
      ['Pointer', inlineCode(context.pointerUri)],
      ['Manifest', inlineCode(context.manifestUri)],
      [
        'Files',
        `${context.files} (${formatBytes(context.bytes)})${context.excluded ? `, ${context.excluded} excluded` : ''}`,
      ],
      [
        context.dryRun ? 'Objects to upload' : 'Objects uploaded',
        published
          ? `${published.uploaded} (${formatBytes(published.uploadedBytes)})`
          : `${plan.uploads.length} (${formatBytes(plan.uploadBytes)})`,
      ],
      ['Files reusing an object', result.reused],
      [
        context.dryRun ? 'Releases to prune' : 'Releases pruned',
        prune.releases.length ? prune.releases.map((r) => inlineCode(r.release)).join(', ') : 'none',
      ],
      [context.dryRun ? 'Objects to prune' : 'Objects pruned', prune.objects.length],
    ],
  );
  if (plan.changes.length > 0) {
    const listed = plan.changes.slice(0, MAX_LISTED_CHANGES);
    md.heading(context.dryRun ? 'Changes this run would publish' : 'Changed files', 3);
    md.table(
      ['File', 'Change', 'Size'],
      listed.map((change) => [inlineCode(change.path), change.kind, formatBytes(change.size)]),
    );
    if (plan.changes.length > listed.length)
      md.paragraph(`…and ${plan.changes.length - listed.length} more changed files.`);
  }
  if (published && published.pointerConflicts > 0)
    md.paragraph(
      `⚠️ The pointer moved ${published.pointerConflicts} time(s) under this run; it re-read it each time, so no update was lost.`,
    );
  if (prune.objectsSkippedBecause) md.paragraph(`⚠️ No objects were pruned: ${prune.objectsSkippedBecause}.`);
  return md.toString();
}

function headline(result: SyncResult, context: SummaryContext): string {
  const id = inlineCode(result.releaseId);
  if (context.dryRun)
    return result.plan.changed
      ? `🔍 **Dry run**: would publish release ${id} and move the pointer. Nothing was written.`
      : `🔍 **Dry run**: no change; release ${id} is current. Nothing was written.`;
  if (result.changed) return `✅ Published release ${id}; nodes pick it up on their next sync.`;
  if (result.plan.changed)
    return `✅ Release ${id} is current (another run moved the pointer to the same content).`;
  return `✅ No change: release ${id} is already current; the pointer was not touched.`;
}

/** 1536 → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
