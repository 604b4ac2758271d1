/**
 * Pruning old baked images: gather what still uses each candidate (the listed launch templates'
 * default and latest versions, every Auto Scaling group of the region, every instance that is
 * not terminated), plan with `planRetention`, then deregister and delete snapshots.
 */
import type { Image } from '@aws-sdk/client-ec2';
import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { describeAwsError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import type { Ec2 } from './ec2/operations';
import { imageSnapshots } from './images';
import { groupLaunchTemplate } from './instance-refresh';
import type { LaunchTemplateChange, LaunchTemplateState } from './launch-templates';
import { planRetention, type RetainedImage, type RetentionPlan } from './retention';

export interface PruneContext {
  ec2: Ec2;
  autoscaling: AutoScalingClient;
  /** Images of this prefix (candidates). */
  baked: Image[];
  /** Every image the account owns in this region (for shared snapshots). */
  ownImages: Image[];
  keep: number;
  protectedImageIds: string[];
  /** The listed launch templates and what this run does to them. */
  templates: LaunchTemplateState[];
  changes: LaunchTemplateChange[];
  /** See `RetentionInput.reservedSlots`. */
  reservedSlots?: number;
}

/** Adds `reason` for `imageId` to the map. */
function refer(references: Map<string, string[]>, imageId: string | undefined, reason: string): void {
  if (!imageId) return;
  references.set(imageId, [...(references.get(imageId) ?? []), reason]);
}

/** The images of listed launch templates' default and latest versions, after this run's changes. Pure. */
export function launchTemplateReferences(
  templates: LaunchTemplateState[],
  changes: LaunchTemplateChange[],
): Map<string, string[]> {
  const references = new Map<string, string[]>();
  templates.forEach((state, index) => {
    const change = changes[index];
    if (change?.created) {
      refer(
        references,
        change.imageId,
        `launch template ${state.name} default and latest (v${change.version})`,
      );
    } else {
      refer(
        references,
        state.defaultImageId,
        `launch template ${state.name} default (v${state.defaultVersion})`,
      );
      refer(
        references,
        state.latestImageId,
        `launch template ${state.name} latest (v${state.latestVersion})`,
      );
    }
  });
  return references;
}

/** Plans the prune, querying only for images that are not already kept for being newest. */
export async function planPrune(context: PruneContext): Promise<RetentionPlan> {
  const images: RetainedImage[] = context.baked.map((image) => ({
    imageId: image.ImageId!,
    name: image.Name ?? '',
    creationDate: image.CreationDate ?? '',
    state: image.State ?? 'unknown',
    snapshots: imageSnapshots(image),
  }));
  const references = launchTemplateReferences(context.templates, context.changes);
  const first = planRetention({
    images,
    keep: context.keep,
    references,
    protectedImageIds: context.protectedImageIds,
    otherSnapshots: new Set(),
    reservedSlots: context.reservedSlots,
  });
  const candidates = first.pruned.map((image) => image.imageId);
  if (candidates.length > 0) {
    await groupReferences(context, candidates, references);
    await instanceReferences(context.ec2, candidates, references);
  }
  const bakedIds = new Set(images.map((image) => image.imageId));
  const otherSnapshots = new Set(
    context.ownImages
      .filter((image) => !bakedIds.has(image.ImageId!))
      .flatMap((image) => imageSnapshots(image)),
  );
  return planRetention({
    images,
    keep: context.keep,
    references,
    protectedImageIds: context.protectedImageIds,
    otherSnapshots,
    reservedSlots: context.reservedSlots,
  });
}

async function groupReferences(
  context: PruneContext,
  candidates: string[],
  references: Map<string, string[]>,
): Promise<void> {
  const groups: AutoScalingGroup[] = [];
  let token: string | undefined;
  do {
    const page = await withContext('list Auto Scaling groups', () =>
      context.autoscaling.send(new DescribeAutoScalingGroupsCommand({ NextToken: token })),
    );
    groups.push(...(page.AutoScalingGroups ?? []));
    token = page.NextToken;
  } while (token);
  for (const group of groups) {
    const uses = groupLaunchTemplate(group);
    if (uses?.id || uses?.name) {
      const versions = await withContext(
        `read launch template version ${uses.version} of group ${group.AutoScalingGroupName}`,
        () =>
          context.ec2.describeLaunchTemplateVersions({
            ...(uses.id ? { LaunchTemplateId: uses.id } : { LaunchTemplateName: uses.name }),
            Versions: [uses.version],
          }),
      );
      const imageId = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId;
      if (imageId && candidates.includes(imageId))
        refer(
          references,
          imageId,
          `Auto Scaling group ${group.AutoScalingGroupName} (launch template ${uses.name ?? uses.id} ${uses.version})`,
        );
    } else if (group.LaunchConfigurationName) {
      const found = await withContext(`read launch configuration ${group.LaunchConfigurationName}`, () =>
        context.autoscaling.send(
          new DescribeLaunchConfigurationsCommand({
            LaunchConfigurationNames: [group.LaunchConfigurationName!],
          }),
        ),
      );
      const imageId = found.LaunchConfigurations?.[0]?.ImageId;
      if (imageId && candidates.includes(imageId))
        refer(
          references,
          imageId,
          `Auto Scaling group ${group.AutoScalingGroupName} (launch configuration ${group.LaunchConfigurationName})`,
        );
    }
  }
}

/** EC2 allows up to 200 values per filter. */
const FILTER_VALUES = 200;

async function instanceReferences(
  ec2: Ec2,
  candidates: string[],
  references: Map<string, string[]>,
): Promise<void> {
  for (let start = 0; start < candidates.length; start += FILTER_VALUES) {
    const chunk = candidates.slice(start, start + FILTER_VALUES);
    let token: string | undefined;
    do {
      const page = await withContext('find instances running the images to prune', () =>
        ec2.describeInstances({
          Filters: [
            { Name: 'image-id', Values: chunk },
            {
              Name: 'instance-state-name',
              Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'],
            },
          ],
          NextToken: token,
        }),
      );
      for (const reservation of page.Reservations ?? [])
        for (const instance of reservation.Instances ?? [])
          refer(
            references,
            instance.ImageId,
            `instance ${instance.InstanceId} (${instance.State?.Name ?? 'unknown'})`,
          );
      token = page.NextToken;
    } while (token);
  }
}

/**
 * Deregisters each pruned image, then deletes its snapshots (AWS refuses to delete a snapshot
 * while a registered image uses it, so the order matters). A snapshot AWS still calls in use
 * is left with a warning rather than failing the run.
 */
export async function applyPrune(ec2: Ec2, plan: RetentionPlan, logger: Logger): Promise<string[]> {
  const pruned: string[] = [];
  for (const image of plan.pruned) {
    await withContext(`deregister image ${image.imageId} (${image.name})`, () =>
      ec2.deregisterImage({ ImageId: image.imageId }),
    );
    pruned.push(image.imageId);
    logger.info(`Deregistered ${image.imageId} (${image.name})`);
    for (const snapshot of image.snapshots) {
      try {
        await ec2.deleteSnapshot({ SnapshotId: snapshot });
        logger.info(`Deleted snapshot ${snapshot} of ${image.imageId}`);
      } catch (error) {
        const { code, message } = describeAwsError(error);
        if (code !== 'InvalidSnapshot.InUse' && code !== 'InvalidSnapshot.NotFound')
          return withContext(`delete snapshot ${snapshot} of image ${image.imageId}`, () =>
            Promise.reject(error),
          );
        logger.warning(`Left snapshot ${snapshot} of ${image.imageId}: ${message}`);
      }
    }
  }
  return pruned;
}
