import {
  ListRuleNamesByTargetCommand,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  type EventBridgeClient,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { ActionError, InputError, withContext } from '../runtime/errors';
import type { Inputs } from '../runtime/inputs';
import type { Logger } from '../runtime/logger';

/** Which EventBridge rules to retarget: every matching rule, the named ones, or none. */
export type ScheduledTaskSelection = { mode: 'auto' } | { mode: 'none' } | { mode: 'rules'; rules: string[] };

/** Reads a `scheduled-tasks` input: `auto` (default), `none`, or EventBridge rule names. */
export function parseScheduledTaskSelection(inputs: Inputs, name: string): ScheduledTaskSelection {
  const list = inputs.list(name, { commas: true });
  if (list.length === 0 || (list.length === 1 && list[0].toLowerCase() === 'auto')) return { mode: 'auto' };
  if (list.length === 1 && list[0].toLowerCase() === 'none') return { mode: 'none' };
  const bad = list.find((rule) => !/^[.\-_A-Za-z0-9]{1,64}$/.test(rule));
  if (bad)
    throw new InputError(
      name,
      `has '${bad}', which is not an EventBridge rule name`,
      'Give auto, none, or rule names',
    );
  return { mode: 'rules', rules: list };
}

/** One rule whose ECS targets run the family in the cluster. */
export interface ScheduledRule {
  rule: string;
  targets: Target[];
}

/** The family of a task definition ARN or `family:revision`. */
export function familyOf(taskDefinition: string): string {
  return (taskDefinition.split('/').pop() ?? taskDefinition).split(':')[0];
}

/** The rule's targets that run `family` in the cluster. */
export function matchingTargets(targets: Target[], clusterArn: string, family: string): Target[] {
  return targets.filter(
    (target) =>
      target.Arn === clusterArn &&
      target.EcsParameters?.TaskDefinitionArn !== undefined &&
      familyOf(target.EcsParameters.TaskDefinitionArn) === family,
  );
}

async function targetsOf(events: EventBridgeClient, rule: string): Promise<Target[]> {
  const targets: Target[] = [];
  let NextToken: string | undefined;
  do {
    const page = await withContext(`list the targets of EventBridge rule ${rule}`, () =>
      events.send(new ListTargetsByRuleCommand({ Rule: rule, NextToken })),
    );
    targets.push(...(page.Targets ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return targets;
}

/**
 * Finds the rules (default event bus) whose ECS targets in `clusterArn` run `family`. Named
 * rules that have no such target are an error, found before anything is written.
 */
export async function findScheduledRules(
  events: EventBridgeClient,
  selection: ScheduledTaskSelection,
  clusterArn: string,
  family: string,
): Promise<ScheduledRule[]> {
  if (selection.mode === 'none') return [];
  let names: string[];
  if (selection.mode === 'rules') names = selection.rules;
  else {
    names = [];
    let NextToken: string | undefined;
    do {
      const page = await withContext('list EventBridge rules that target the cluster', () =>
        events.send(new ListRuleNamesByTargetCommand({ TargetArn: clusterArn, NextToken })),
      );
      names.push(...(page.RuleNames ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  }
  const rules: ScheduledRule[] = [];
  for (const rule of names) {
    const targets = matchingTargets(await targetsOf(events, rule), clusterArn, family);
    if (targets.length > 0) rules.push({ rule, targets });
    else if (selection.mode === 'rules')
      throw new ActionError(
        `EventBridge rule '${rule}' (input 'scheduled-tasks') has no ECS target in ${clusterArn} running family ${family}`,
        { title: 'Invalid input: scheduled-tasks' },
      );
  }
  return rules;
}

/** Points every found target at `taskDefinitionArn`, keeping all its other fields. */
export async function retargetScheduledRules(
  events: EventBridgeClient,
  rules: ScheduledRule[],
  taskDefinitionArn: string,
  logger: Logger,
): Promise<{ rule: string; targetIds: string[] }[]> {
  const done: { rule: string; targetIds: string[] }[] = [];
  for (const { rule, targets } of rules) {
    const updated = targets.map((target) => ({
      ...target,
      EcsParameters: { ...target.EcsParameters, TaskDefinitionArn: taskDefinitionArn },
    }));
    const response = await withContext(`retarget EventBridge rule ${rule}`, () =>
      events.send(new PutTargetsCommand({ Rule: rule, Targets: updated })),
    );
    if (response.FailedEntryCount)
      throw new ActionError(
        `Could not retarget EventBridge rule ${rule}: ${(response.FailedEntries ?? []).map((e) => `${e.TargetId}: ${e.ErrorCode} ${e.ErrorMessage}`).join('; ')}`,
      );
    logger.info(`Scheduled task rule ${rule} now runs ${taskDefinitionArn.split('/').pop()}`);
    done.push({ rule, targetIds: targets.map((t) => t.Id ?? '') });
  }
  return done;
}
