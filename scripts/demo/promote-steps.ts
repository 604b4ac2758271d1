/**
 * actions/promote steps: move the revision one environment runs to the next, gated on the
 * source environment's alarms (selected by prefix) with a short, honestly met soak, and
 * watching the target's alarms for a short bake.
 */
import { cronRuleRuns, expectEqual, revisionTags, serviceStates, servicesRun } from './aws-checks';
import { setAlarmState } from './emulator-control';
import { alarmsOkSince, alarmStates, SOAK, waitForDeploymentSoak } from './soak';
import type { Check, DemoStep, StepContext } from './step';
import { parseJson } from './deploy-steps';
import { shortArn } from './world';
import { names, SERVICES, type Environment } from './world-spec';

export interface PromoteStepOptions {
  id: string;
  from: Environment;
  to: Environment;
  needs: string[];
  /** The source alarm the demo fires first, so the gate must block. */
  blockedBy?: string;
  /** Whether the source alarms are still as seeded (INSUFFICIENT_DATA) and need their OK state set. */
  setSourceAlarms: boolean;
}

/** How long ago the demo says the source alarms turned OK (well past the soak). */
const ALARMS_OK_FOR_MS = 20 * 60_000;

/** A promotion from one environment's cluster to the next. */
export function promoteStep(options: PromoteStepOptions): DemoStep {
  const { from, to, blockedBy } = options;
  return {
    id: options.id,
    title: `promote ${from} → ${to}${blockedBy ? ` while ${blockedBy} is in ALARM` : ''}`,
    action: 'promote',
    expect: blockedBy ? { success: false, result: 'blocked' } : { success: true, result: 'promoted' },
    needs: options.needs,
    async prepare(context) {
      await prepareGate(context, options);
    },
    inputs: () => ({
      'source-cluster': names.cluster(from),
      'target-cluster': names.cluster(to),
      services: SERVICES.join('\n'),
      'gate-alarms': `prefix:${names.alarmPrefix(from)}`,
      soak: SOAK,
      'insufficient-data': 'block',
      'target-alarms': `prefix:${names.alarmPrefix(to)}`,
      bake: '3s',
      timeout: '90s',
      'poll-interval': '1s',
    }),
    verify: (context, run) =>
      blockedBy
        ? verifyBlocked(context, options, run?.outputs)
        : verifyPromoted(context, options, run?.outputs),
    keyOutputs: (run) => {
      if (!run) return [];
      const blocked = parseJson(`{"list":${run.outputs['blocked-by'] || '[]'}}`).list as string[] | undefined;
      const previous = Object.values(parseJson(run.outputs['previous-task-definition-arns']));
      const before = [...new Set(previous.map((arn) => shortArn(String(arn))))].join(', ');
      return [
        `revision ${shortArn(run.outputs['task-definition-arn'])}`,
        ...(before && !blocked?.length ? [`${names.cluster(to)} was on ${before}`] : []),
        ...(blocked && blocked.length > 0 ? [`blocked-by ${blocked.join(', ')}`] : []),
      ];
    },
  };
}

/**
 * Sets the source alarms for the gate (through the emulator, and says so) and waits until the
 * source deployments have soaked. For a blocked promotion, the blocking alarm goes to ALARM.
 */
async function prepareGate(context: StepContext, options: PromoteStepOptions): Promise<void> {
  const { from, blockedBy } = options;
  if (options.setSourceAlarms)
    await alarmsOkSince(context, from, ALARMS_OK_FOR_MS, blockedBy ? [blockedBy] : []);
  if (blockedBy) {
    const since = new Date(Date.now() - 60_000);
    await setAlarmState(
      context.world.endpoint,
      blockedBy,
      'ALARM',
      since,
      'Threshold Crossed: 2 out of the last 3 datapoints [14.0 (26/11/26 03:41:00), 9.0 (26/11/26 03:40:00)] were greater than the threshold (5.0)',
    );
    context.note(
      `emulator control: ${blockedBy} set to ALARM as of ${since.toISOString()} (5xx responses in ${from})`,
    );
  }
  await waitForDeploymentSoak(context, from);
  context.note(`gate alarms now: ${await alarmStates(context, from)}`);
}

async function verifyPromoted(
  context: StepContext,
  options: PromoteStepOptions,
  outputs?: Record<string, string>,
): Promise<Check[]> {
  const source = await serviceStates(context.world, options.from);
  const revision = source.get(SERVICES[0])?.taskDefinition;
  const checks = [
    expectEqual(
      'promoted revision (output) is what the source runs',
      shortArn(outputs?.['task-definition-arn']),
      shortArn(revision),
    ),
    ...(await servicesRun(context.world, options.to, revision)),
    // actions/promote retargets the target's scheduled tasks once the bake passed.
    await cronRuleRuns(context.world, options.to, revision),
  ];
  if (revision) {
    const tags = await revisionTags(context.world, revision);
    const key = Object.keys(tags).find((tag) => tag.includes(names.cluster(options.to)));
    checks.push({
      ok: key !== undefined,
      text: `${shortArn(revision)} tagged ${key ? `${key}=${tags[key]}` : `for ${names.cluster(options.to)}: no tag`}`,
    });
  }
  return checks;
}

async function verifyBlocked(
  context: StepContext,
  options: PromoteStepOptions,
  outputs?: Record<string, string>,
): Promise<Check[]> {
  const blockedBy = outputs?.['blocked-by'] ?? '';
  const target = await serviceStates(context.world, options.to);
  const unchanged = SERVICES.every(
    (service) => target.get(service)?.taskDefinition === context.world.app.initialRevision,
  );
  return [
    {
      ok: blockedBy.includes(options.blockedBy ?? ''),
      text: `blocked-by names ${options.blockedBy}: ${blockedBy}`,
    },
    {
      ok: unchanged,
      text: `${names.cluster(options.to)} still runs ${shortArn(context.world.app.initialRevision)} (nothing moved)`,
    },
  ];
}
