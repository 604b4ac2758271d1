/** The job summary of a bake: the image, its inputs, the rollout and the prune, as markdown. */
import { Markdown, inlineCode } from '../../../src/shared/runtime';
import type { BakeResult } from './bake';

function imageLine(result: BakeResult): string {
  if (result.image.skipped && result.image.adopted)
    return `♻️ Reused ${inlineCode(result.image.id!)} (${inlineCode(result.image.name)}): an interrupted run built it with this fingerprint; ${result.dryRun ? 'a run would wait for it and complete its tags' : "this run completed bake-ami's tags"}, Packer did not run.`;
  if (result.image.skipped)
    return `♻️ Reused ${inlineCode(result.image.id!)} (${inlineCode(result.image.name)}): an image with this fingerprint exists, Packer did not run.`;
  if (result.dryRun)
    return `🔍 Dry run: would build ${inlineCode(result.image.name)} with Packer. Nothing was changed.`;
  const seconds =
    result.image.buildMs !== undefined ? ` in ${Math.round(result.image.buildMs / 1000)} s` : '';
  return `✅ Built ${inlineCode(result.image.id!)} (${inlineCode(result.image.name)})${seconds}.`;
}

/** Renders the summary of a finished bake (or dry run). */
export function renderSummary(result: BakeResult): string {
  const md = new Markdown().paragraph(imageLine(result));
  md.table(
    ['', ''],
    [
      [
        'Base image',
        `${inlineCode(result.baseAmi.imageId)} ${result.baseAmi.name} (from ${inlineCode(result.baseAmi.source)})`,
      ],
      ['Fingerprint', inlineCode(result.fingerprint)],
      [
        'Template',
        `${inlineCode(result.template.path)} (${result.template.files.length} file${result.template.files.length === 1 ? '' : 's'})`,
      ],
      [
        'Playbooks release',
        result.playbooks
          ? `${inlineCode(result.playbooks.release)} from ${inlineCode(result.playbooks.uri)}`
          : '—',
      ],
    ],
  );
  if (result.copies.length > 0) {
    md.heading('Copies', 3).table(
      ['Region', 'Image', ''],
      result.copies.map((copy) => [
        copy.region,
        copy.imageId ? inlineCode(copy.imageId) : '(would copy)',
        copy.existing ? 'already there' : result.dryRun ? 'dry run' : 'copy started',
      ]),
    );
  }
  if (result.launchTemplates.length > 0) {
    md.heading('Launch templates', 3).table(
      ['Launch template', 'Default before', 'Default now', 'Image', ''],
      result.launchTemplates.map((change) => [
        `${change.name} (${inlineCode(change.id)})`,
        change.fromVersion,
        change.version,
        change.imageId,
        !change.created ? 'unchanged' : result.dryRun ? 'would create' : 'created',
      ]),
    );
  }
  if (result.refreshes.length > 0) {
    md.heading('Instance refreshes', 3).table(
      ['Auto Scaling group', 'From', 'To', 'Refresh', 'Status'],
      result.refreshes.map((refresh) => [
        refresh.group,
        `${refresh.plan.launchTemplateName} ${refresh.plan.currentVersion}`,
        `version ${refresh.plan.targetVersion}`,
        refresh.id ? inlineCode(refresh.id) : !refresh.plan.needed ? 'not needed' : 'would start',
        refresh.status ?? (refresh.id ? 'started' : ''),
      ]),
    );
  }
  md.heading('Prune', 3);
  if (result.prune.pruned.length === 0) md.paragraph('Nothing to prune.');
  else
    md.table(
      ['Image', 'Name', 'Created', 'Snapshots deleted', 'Snapshots kept (in use)', ''],
      result.prune.pruned.map((image) => [
        inlineCode(image.imageId),
        image.name,
        image.creationDate,
        image.snapshots.join(', '),
        image.sharedSnapshots.join(', '),
        result.dryRun ? 'would deregister' : result.pruned.includes(image.imageId) ? 'deregistered' : 'left',
      ]),
    );
  if (result.prune.kept.length > 0)
    md.details(
      `Kept ${result.prune.kept.length} image${result.prune.kept.length === 1 ? '' : 's'}`,
      new Markdown()
        .table(
          ['Image', 'Name', 'Why'],
          result.prune.kept.map((image) => [inlineCode(image.imageId), image.name, image.reasons.join('; ')]),
        )
        .toString(),
    );
  return md.toString();
}
