/**
 * The actions/bake-ami step: a real Packer build against the emulator, from the ECS-optimized
 * AMI that moto publishes under the same SSM parameter as AWS, with the playbook release from
 * the sync step baked in, then a new launch template version and instance refreshes.
 */
import { DescribeInstanceRefreshesCommand } from '@aws-sdk/client-auto-scaling';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expectEqual, imageTags, launchTemplateDefaultImage } from './aws-checks';
import { parseJson } from './deploy-steps';
import { debianPacker, type Found } from '../../test/support/packer';
import { outputList, type Check, type DemoStep, type StepContext } from './step';
import { AMI_PREFIX, BASE_AMI_PARAMETER, ENVIRONMENTS, LAUNCH_TEMPLATE, names, ROOT } from './world-spec';

/** The emulator variant of the node template (see its header for what differs and why). */
export const EMULATOR_TEMPLATE = path.join(ROOT, 'ecs-node', 'packer', 'test', 'emulator.pkr.hcl');

/** The bake step; `workspace` is where Packer's manifest and evidence files go. */
export function bakeAmiStep(workspace: string): DemoStep {
  let packer: Found<{ packer: string; version: string }> | undefined;
  const groups = ENVIRONMENTS.map((env) => names.autoScalingGroup(env));
  return {
    id: 'bake-ami',
    title: 'bake the node AMI with Packer',
    action: 'bake-ami',
    expect: { success: true },
    needs: ['sync-playbooks'],
    unavailable(context) {
      // Debian's Packer 1.6.6 has amazon-ebs built in; installed with apt-get when missing (as root).
      packer = debianPacker();
      if (!packer.ok) return `no Packer: ${packer.reason}`;
      context.note(
        `Packer ${packer.version} (${packer.packer}) builds the emulator variant of the node template`,
      );
      return undefined;
    },
    inputs(context: StepContext) {
      mkdirSync(workspace, { recursive: true });
      return {
        template: EMULATOR_TEMPLATE,
        packer: packer?.ok ? packer.packer : undefined,
        'base-ami': `ssm:${BASE_AMI_PARAMETER}`,
        'name-prefix': AMI_PREFIX,
        // Packer's amazon builder ignores AWS_ENDPOINT_URL; the template takes the address.
        vars: `ec2_endpoint=${context.world.endpoint}`,
        'playbooks-pointer': context.results.get('sync-playbooks')?.run?.outputs['pointer-uri'],
        'launch-templates': LAUNCH_TEMPLATE,
        'auto-scaling-groups': groups.join('\n'),
        'min-healthy-percent': '90',
        'wait-for-refresh': 'true',
        'refresh-timeout': '60s',
        keep: '5',
      };
    },
    workspace,
    async verify({ world }, run) {
      const amiId = run?.outputs['ami-id'];
      if (!amiId) return [{ ok: false, text: 'no ami-id output' }];
      const image = await imageTags(world, amiId);
      const template = await launchTemplateDefaultImage(world);
      const checks: Check[] = [
        expectEqual(`image ${amiId}`, image.state, 'available'),
        expectEqual(
          `${amiId} tag bake-ami:fingerprint`,
          image.tags['bake-ami:fingerprint'],
          run.outputs.fingerprint,
        ),
        expectEqual('base image (SSM parameter)', run.outputs['base-ami-id'], world.nodes.baseAmi.id),
        expectEqual(
          `launch template ${LAUNCH_TEMPLATE} default version v${template.version} image`,
          template.imageId,
          amiId,
        ),
      ];
      const refreshes = parseJson(run.outputs['instance-refresh-ids']);
      for (const group of groups) {
        const id = String(refreshes[group] ?? '');
        const described = await world.clients.autoScaling.send(
          new DescribeInstanceRefreshesCommand({
            AutoScalingGroupName: group,
            InstanceRefreshIds: id ? [id] : undefined,
          }),
        );
        checks.push(
          expectEqual(`instance refresh of ${group}`, described.InstanceRefreshes?.[0]?.Status, 'Successful'),
        );
      }
      return checks;
    },
    keyOutputs: (run) => [
      ...outputList(run, { 'ami-id': 'ami-id', 'base-ami-id': 'base-ami-id', skipped: 'skipped' }),
      ...(run?.outputs.fingerprint ? [`fingerprint ${run.outputs.fingerprint.slice(0, 12)}…`] : []),
    ],
  };
}
