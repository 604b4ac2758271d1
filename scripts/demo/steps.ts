/**
 * The pipeline the demo runs, as data, in the order of issue 8: publish the node playbooks,
 * bake the node image, deploy a release to dev, promote it through stage to prod (one
 * promotion blocked by an alarm, which then clears), and a release whose rollout fails.
 */
import path from 'node:path';
import { bakeAmiStep } from './bake-step';
import { setAlarmState } from './emulator-control';
import { outputList, type DemoStep, type StepContext } from './step';
import { deployStep, rolloutFailureStep } from './deploy-steps';
import { promoteStep } from './promote-steps';
import { alarmIs, manifestFileCount, readPointer, expectEqual } from './aws-checks';
import { SOAK_MS } from './soak';
import { BLOCKING_ALARM, PLAYBOOK_BUCKET, PLAYBOOK_PREFIX } from './world-spec';

/** The steps, in order; files the steps make (Packer's manifest) go under `outputDir`. */
export function pipeline(outputDir: string): DemoStep[] {
  return [
    syncPlaybooksStep(),
    bakeAmiStep(path.join(outputDir, 'bake-ami-workspace')),
    deployStep(),
    promoteStep({
      id: 'promote-stage',
      from: 'dev',
      to: 'stage',
      needs: ['deploy-dev'],
      setSourceAlarms: true,
    }),
    promoteStep({
      id: 'promote-prod-blocked',
      from: 'stage',
      to: 'prod',
      needs: ['promote-stage'],
      blockedBy: BLOCKING_ALARM,
      setSourceAlarms: true,
    }),
    alarmClearsStep(),
    promoteStep({
      id: 'promote-prod',
      from: 'stage',
      to: 'prod',
      needs: ['promote-stage', 'alarm-clears'],
      setSourceAlarms: false,
    }),
    rolloutFailureStep(),
  ];
}

function syncPlaybooksStep(): DemoStep {
  return {
    id: 'sync-playbooks',
    title: 'publish ecs-node/playbooks to S3',
    action: 'sync-playbooks',
    expect: { success: true },
    inputs: () => ({
      source: 'ecs-node/playbooks',
      bucket: PLAYBOOK_BUCKET,
      prefix: PLAYBOOK_PREFIX,
      'keep-releases': '10',
    }),
    async verify({ world }, run) {
      const pointer = await readPointer(world);
      const checks = [
        expectEqual(
          `s3://${PLAYBOOK_BUCKET}/${PLAYBOOK_PREFIX}/current.json names release`,
          pointer?.release,
          run?.outputs['release-id'],
        ),
      ];
      if (pointer?.manifest) {
        const files = await manifestFileCount(world, pointer.manifest);
        checks.push({
          ok: (files ?? 0) > 0,
          text: `its manifest ${pointer.manifest} lists ${files ?? 0} files`,
        });
      }
      return checks;
    },
    keyOutputs: (run) =>
      outputList(run, {
        'release-id': 'release-id',
        uploaded: 'uploaded',
        reused: 'reused',
        changed: 'changed',
      }),
  };
}

/** Not an action: the stage 5xx alarm returns to OK (set through the emulator, backdated past the soak). */
function alarmClearsStep(): DemoStep {
  return {
    id: 'alarm-clears',
    title: `${BLOCKING_ALARM} returns to OK`,
    expect: { success: true, result: 'OK' },
    needs: ['promote-prod-blocked'],
    async prepare(context: StepContext) {
      const since = new Date(Date.now() - SOAK_MS - 5_000);
      await setAlarmState(
        context.world.endpoint,
        BLOCKING_ALARM,
        'OK',
        since,
        'Threshold Crossed: no datapoints were breaching',
      );
      context.note(
        `emulator control: ${BLOCKING_ALARM} set to OK as of ${since.toISOString()}, backdated past the soak ` +
          `(${SOAK_MS / 1000}s) so the next promotion does not have to wait; in AWS the alarm clears when its metric recovers.`,
      );
    },
    verify: async ({ world }) => [await alarmIs(world, BLOCKING_ALARM, 'OK')],
    keyOutputs: () => [`${BLOCKING_ALARM} OK`],
  };
}
