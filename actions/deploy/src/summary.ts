import { renderDeployResult, shortArn } from '../../../src/shared/ecs/deploy-revision';
import { describeStop } from '../../../src/shared/ecs/wait';
import { Markdown, inlineCode } from '../../../src/shared/runtime/markdown';
import type { DeployReport } from './deploy';
import type { DeployInputs } from './inputs';

/** The job summary of a deploy run (also of a failed one: whatever the report holds). */
export function renderSummary(report: DeployReport, inputs?: DeployInputs): string {
  const markdown = new Markdown();
  if (inputs) {
    const revision = report.taskDefinitionArn
      ? `${inlineCode(shortArn(report.taskDefinitionArn))} (${report.registered ? 'registered' : 'existing revision'})`
      : 'not registered';
    markdown.paragraph(
      `Cluster ${inlineCode(inputs.cluster)} · revision ${revision}${report.result ? ` · result **${report.result}**` : ''}`,
    );
  }
  if (report.unknownKeys.length > 0)
    markdown.paragraph(
      `⚠️ Dropped keys the bundled ECS model does not know: ${report.unknownKeys.map(inlineCode).join(', ')}`,
    );
  markdown.table(
    ['Container', 'Image', 'Pinned to'],
    report.pinned.map((pin) => [
      pin.container,
      inlineCode(pin.from),
      inlineCode(pin.to.split('@')[1] ?? pin.to),
    ]),
  );
  const task = report.preDeployTask;
  if (task)
    markdown.paragraph(`Pre-deploy task ${inlineCode(task.stopped.taskId)}: ${describeStop(task.stopped)}`);
  if (report.result === 'dry-run') renderDryRun(markdown, report);
  if (report.rollout) markdown.raw(renderDeployResult(report.rollout));
  if (report.retargeted.length > 0)
    markdown.paragraph(`Scheduled tasks retargeted: ${report.retargeted.map(inlineCode).join(', ')}`);
  else if (report.scheduledRules.length > 0 && report.result !== 'dry-run')
    markdown.paragraph(
      `Scheduled tasks left on their revision: ${report.scheduledRules.map((r) => inlineCode(r.rule)).join(', ')}`,
    );
  return markdown.toString();
}

function renderDryRun(markdown: Markdown, report: DeployReport): void {
  markdown.paragraph('**Dry run**: nothing was registered or changed.');
  markdown.table(
    ['Service', 'Runs now', 'Change'],
    report.diffs.map((d) => [d.service, inlineCode(shortArn(d.from)), d.diff === '' ? 'none' : 'see diff']),
  );
  for (const d of report.diffs.filter((entry) => entry.diff !== ''))
    markdown.details(
      `${d.service}: ${shortArn(d.from)} → new definition`,
      new Markdown().code(d.diff, 'diff').toString(),
    );
  if (report.scheduledRules.length > 0)
    markdown.paragraph(
      `Would retarget scheduled tasks: ${report.scheduledRules.map((r) => inlineCode(r.rule)).join(', ')}`,
    );
}
