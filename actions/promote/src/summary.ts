/**
 * The job summary of a promotion: what moved (or would have), the source, the gate table
 * (alarm, state, since, verdict), the target's alarms, the deploy result, the bake, the tag and
 * the GitHub deployment link. Pure: report in, markdown out.
 */
import type { AlarmVerdict } from '../../../src/shared/alarms/gate';
import { renderDeployResult, shortArn } from '../../../src/shared/ecs/deploy-revision';
import { formatDuration } from '../../../src/shared/runtime/duration';
import { Markdown, inlineCode } from '../../../src/shared/runtime/markdown';
import type { PromoteInputs } from './inputs';
import { formatTime, type PromotionReport } from './report';

const HEADLINE: Record<string, string> = {
  promoted: '✅ Promoted',
  blocked: '⛔ Blocked: not promoted',
  'rolled-back': '↩️ Rolled back after deploying',
  'dry-run': '🧪 Dry run: would promote',
  failed: '❌ Failed while promoting',
};

/** The whole summary. */
export function renderSummary(report: PromotionReport, inputs: PromoteInputs | undefined): string {
  const markdown = new Markdown();
  if (!inputs) return markdown.toString();
  const revision = report.taskDefinitionArn
    ? inlineCode(shortArn(report.taskDefinitionArn))
    : 'the source revision';
  markdown.paragraph(
    `**${HEADLINE[report.result ?? 'failed']}** ${revision} from \`${inputs.sourceCluster}\` to \`${inputs.targetCluster}\``,
  );
  renderSource(markdown, report, inputs);
  renderGate(markdown, 'Gate alarms (source)', report.gate?.verdicts, inputs.gateAlarms.length === 0);
  if (report.gate)
    markdown.paragraph(
      `Soak ${formatDuration(inputs.soakMs)}, insufficient data: ${inputs.insufficientData}; evaluated ${formatTime(report.gate.evaluatedAt)}.`,
    );
  renderGate(markdown, 'Target alarms before deploying', report.targetGate, inputs.targetAlarms.length === 0);
  if (report.deploy) markdown.heading('Deploy', 3).raw(renderDeployResult(report.deploy));
  renderBake(markdown, report, inputs);
  renderRecord(markdown, report);
  return markdown.toString();
}

function renderSource(markdown: Markdown, report: PromotionReport, inputs: PromoteInputs): void {
  const source = report.source;
  if (!source) return;
  markdown.heading('Source', 3).table(
    ['Service', 'Revision', 'Rollout', 'Deployment updated', 'Target was on'],
    source.services.map((service) => {
      const target =
        inputs.services.find((pair) => pair.source === service.service)?.target ?? service.service;
      const previous = report.previous[target];
      return [
        target === service.service ? service.service : `${service.service} → ${target}`,
        inlineCode(shortArn(service.taskDefinitionArn)),
        `${service.rolloutState ?? 'n/a'}${service.deployments > 1 ? ` (${service.deployments} deployments)` : ''}`,
        formatTime(service.completedAt),
        previous ? inlineCode(shortArn(previous)) : '',
      ];
    }),
  );
  markdown.table(
    ['Container', 'Image', 'Pinned by digest'],
    source.images.map((image) => [image.container, inlineCode(image.image), image.pinned ? 'yes' : 'no']),
  );
  if (report.sourceProblems.length > 0)
    markdown.list(report.sourceProblems.map((problem) => `⛔ ${problem}`));
}

const VERDICT = { pass: '✅ pass', block: '⛔ block' };

function renderGate(
  markdown: Markdown,
  title: string,
  verdicts: AlarmVerdict[] | undefined,
  none: boolean,
): void {
  if (!verdicts) return;
  markdown.heading(title, 3);
  if (none) {
    markdown.paragraph('No alarms configured.');
    return;
  }
  markdown.table(
    ['Alarm', 'State', 'Since', 'Verdict'],
    verdicts.map((v) => [
      v.alarm,
      v.state,
      v.since === undefined ? '' : formatTime(v.since),
      `${VERDICT[v.verdict]}: ${v.reason}`,
    ]),
  );
}

function renderBake(markdown: Markdown, report: PromotionReport, inputs: PromoteInputs): void {
  if (!report.deploy || (report.result === 'failed' && !report.bake)) return;
  markdown.heading('Bake', 3);
  const bake = report.bake;
  if (!inputs.wait) markdown.paragraph('Skipped: `wait` is false.');
  else if (!bake) markdown.paragraph('Skipped: no `target-alarms` to watch.');
  else if (bake.outcome === 'passed')
    markdown.paragraph(
      `✅ ${bake.alarms.length} alarm(s) stayed out of ALARM for ${formatDuration(bake.watchedMs)} (${bake.polls} checks).`,
    );
  else {
    markdown.paragraph(`⛔ An alarm fired after ${formatDuration(bake.watchedMs)} of the bake.`).table(
      ['Alarm', 'In ALARM at', 'State now', 'Reason'],
      bake.fired.map((alarm) => [alarm.name, formatTime(alarm.at), alarm.state, alarm.reason ?? '']),
    );
    if (report.rollback) markdown.heading('Rollback', 4).raw(renderDeployResult(report.rollback));
  }
  if (bake && bake.unmatched.length > 0) markdown.paragraph(`Matched no alarm: ${bake.unmatched.join(', ')}`);
}

function renderRecord(markdown: Markdown, report: PromotionReport): void {
  const facts: string[] = [];
  if (report.tag && 'key' in report.tag)
    facts.push(
      `Tagged ${inlineCode(shortArn(report.taskDefinitionArn ?? ''))} with ${inlineCode(`${report.tag.key}=${report.tag.value}`)}`,
    );
  if (report.tag && 'error' in report.tag) facts.push(`⚠️ Not tagged: ${report.tag.error}`);
  if (report.retargeted.length > 0)
    facts.push(`Scheduled tasks retargeted: ${report.retargeted.map(inlineCode).join(', ')}`);
  else if (report.scheduledRules.length > 0 && report.result !== 'dry-run')
    facts.push(
      `Scheduled tasks left on their revision: ${report.scheduledRules.map((r) => inlineCode(r.rule)).join(', ')}`,
    );
  else if (report.scheduledRules.length > 0)
    facts.push(
      `Would retarget scheduled tasks: ${report.scheduledRules.map((r) => inlineCode(r.rule)).join(', ')}`,
    );
  if (report.github)
    facts.push(
      `GitHub deployment [${report.github.id}](${report.github.link}) in environment \`${report.github.environment}\`: ${report.github.state}${report.github.warning ? ` (⚠️ ${report.github.warning})` : ''}`,
    );
  if (facts.length > 0) markdown.heading('Record', 3).list(facts);
}
