import { Markdown, inlineCode } from '../runtime/markdown';
import type { DeployRevisionResult, ServiceDeployResult, ServiceOutcome } from './deploy-result';

const OUTCOME_LABEL: Record<ServiceOutcome, string> = {
  deployed: '✅ deployed',
  unchanged: '➖ unchanged',
  started: '🚀 started (not waited for)',
  failed: '❌ failed',
  'rolled-back': '↩️ failed, rolled back',
  'ecs-rolled-back': '↩️ failed, rolled back by ECS',
  superseded: '⏭️ superseded by another deployment (not rolled back)',
  'timed-out': '⏱️ timed out',
};

function revision(arn: string | undefined): string {
  return arn ? inlineCode(arn.split('/').pop() ?? arn) : '';
}

/** Markdown for the job summary: a table of services, then what explains each failure. */
export function renderDeployResult(result: DeployRevisionResult): string {
  const markdown = new Markdown().table(
    ['Service', 'Outcome', 'Revision', 'Previous', 'Deployment'],
    result.services.map((service) => [
      service.service,
      OUTCOME_LABEL[service.outcome],
      revision(service.taskDefinitionArn),
      revision(service.previousTaskDefinitionArn),
      service.deploymentId ? inlineCode(service.deploymentId) : '',
    ]),
  );
  const movedOn = result.services.filter((s) => s.outcome === 'deployed' && s.replacedBy);
  markdown.list(
    movedOn.map(
      (s) =>
        `${s.service}: deployed ${revision(s.taskDefinitionArn)}; since replaced by ${inlineCode(s.replacedBy?.deploymentId ?? '')} running ${revision(s.replacedBy?.taskDefinitionArn)}`,
    ),
  );
  for (const service of result.services.filter(
    (s) => !['deployed', 'unchanged', 'started'].includes(s.outcome),
  ))
    markdown.raw(renderFailure(service));
  return markdown.toString();
}

function renderFailure(service: ServiceDeployResult): string {
  const markdown = new Markdown().heading(`${service.service}: ${OUTCOME_LABEL[service.outcome]}`, 4);
  markdown.paragraph(service.reason ?? 'No reason was reported.');
  const facts: string[] = [];
  const info = service.serviceDeployment;
  if (info?.status)
    facts.push(`Service deployment ${info.status}${info.statusReason ? `: ${info.statusReason}` : ''}`);
  if (info?.rollbackReason) facts.push(`ECS rollback reason: ${info.rollbackReason}`);
  if (info?.triggeredAlarms.length) facts.push(`Alarms that triggered: ${info.triggeredAlarms.join(', ')}`);
  if (info?.circuitBreaker) facts.push(`Circuit breaker: ${info.circuitBreaker}`);
  if (service.rollback)
    facts.push(
      `Rollback to ${revision(service.rollback.taskDefinitionArn)}: ${service.rollback.outcome === 'deployed' || service.rollback.outcome === 'unchanged' ? 'done' : `${service.rollback.outcome}${service.rollback.reason ? ` (${service.rollback.reason})` : ''}`}`,
    );
  markdown.list(facts);
  markdown.table(
    ['Stopped task', 'Stop code', 'Reason', 'Containers (exit code)'],
    service.stoppedTasks.map((task) => [
      inlineCode(task.taskId),
      task.stopCode,
      task.stoppedReason,
      task.containers
        .map((c) => `${c.name}: ${c.exitCode ?? 'no exit code'}${c.reason ? ` (${c.reason})` : ''}`)
        .join(', '),
    ]),
  );
  markdown.table(
    ['Target', 'Target group', 'State', 'Reason'],
    service.unhealthyTargets.map((target) => [
      `${target.id}:${target.port}`,
      target.targetGroupArn.split(':').pop(),
      target.state,
      [target.reason, target.description].filter(Boolean).join(': '),
    ]),
  );
  if (service.events.length > 0)
    markdown.details(
      `Service events since the deployment started (${service.events.length})`,
      new Markdown().code(service.events.join('\n')).toString(),
    );
  return markdown.toString();
}
