/**
 * What a promotion found and did, filled in step by step, so outputs and the job summary can
 * be written on every path: blocked, failed, rolled back, promoted or dry run.
 */
import type { BakeResult } from '../../../src/shared/alarms/bake';
import type { GateResult } from '../../../src/shared/alarms/check-gate';
import type { AlarmVerdict } from '../../../src/shared/alarms/gate';
import type { DeployRevisionResult } from '../../../src/shared/ecs/deploy-revision';
import type { ScheduledRule } from '../../../src/shared/ecs/scheduled-tasks';
import type { GitHubRecord } from './github-record';
import { OUTPUTS } from './inputs';
import type { SourceState } from './source';

/** The `result` output. `failed`: the step failed without a rollback (an error, or rollback: none). */
export type PromotionResult = 'promoted' | 'blocked' | 'rolled-back' | 'dry-run' | 'failed';

export interface PromotionReport {
  result?: PromotionResult;
  taskDefinitionArn?: string;
  /** Target service → the revision it ran before. */
  previous: Record<string, string>;
  /** Alarm names (or unmatched selectors) that blocked, gate and target together. */
  blockedBy: string[];
  source?: SourceState;
  sourceProblems: string[];
  gate?: GateResult;
  /** Target alarms as they were before deploying. */
  targetGate?: AlarmVerdict[];
  deploy?: DeployRevisionResult;
  bake?: BakeResult;
  rollback?: DeployRevisionResult;
  /** EventBridge rules in the target cluster running this family, found before deploying. */
  scheduledRules: ScheduledRule[];
  /** The rules retargeted to the promoted revision. */
  retargeted: string[];
  tag?: { key: string; value: string } | { error: string };
  github?: GitHubRecord;
}

export function newReport(): PromotionReport {
  return { previous: {}, blockedBy: [], sourceProblems: [], scheduledRules: [], retargeted: [] };
}

/** The outputs, every one set whatever happened. */
export function reportOutputs(report: PromotionReport): Record<string, string> {
  return {
    [OUTPUTS.taskDefinitionArn]: report.taskDefinitionArn ?? '',
    [OUTPUTS.previousTaskDefinitionArns]: JSON.stringify(report.previous),
    [OUTPUTS.result]: report.result ?? 'failed',
    [OUTPUTS.blockedBy]: JSON.stringify(report.blockedBy),
  };
}

/** `2026-03-01T11:57:00Z`: seconds are enough, and shorter to read. */
export function formatTime(ms: number | undefined): string {
  return ms === undefined ? 'unknown' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function describeBlocker(kind: string, verdict: AlarmVerdict): string {
  const since = verdict.since === undefined ? '' : ` since ${formatTime(verdict.since)}`;
  return `${kind} ${verdict.alarm} is ${verdict.state}${since} (${verdict.reason})`;
}

/** The error message of a blocked promotion: every blocking alarm with its state and since when, and every source problem. */
export function blockedMessage(report: PromotionReport): string {
  const reasons = [
    ...(report.gate?.verdicts ?? [])
      .filter((v) => v.verdict === 'block')
      .map((v) => describeBlocker('gate alarm', v)),
    ...(report.targetGate ?? [])
      .filter((v) => v.verdict === 'block')
      .map((v) => describeBlocker('target alarm', v)),
    ...report.sourceProblems,
  ];
  return `Promotion blocked: ${reasons.join('; ')}`;
}
