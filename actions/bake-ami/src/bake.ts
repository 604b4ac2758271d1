/**
 * The bake, phase by phase: resolve the base image, fingerprint the build, reuse a matching
 * image or run Packer, tag/share/copy, roll out through launch templates and instance
 * refreshes, then prune. Calls only shared domain functions; dry-run stops before every write.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { Image } from '@aws-sdk/client-ec2';
import type { Ec2 } from '../../../src/shared/ami/ec2/operations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { resolveBaseAmi, type BaseAmi } from '../../../src/shared/ami/base-ami';
import { amiName, computeFingerprint } from '../../../src/shared/ami/fingerprint';
import {
  readPlaybooksRelease,
  releaseFingerprintPart,
  type PlaybooksRelease,
} from '../../../src/shared/ami/playbooks-release';
import {
  describeImage,
  findByFingerprint,
  listBakedImages,
  listOwnImages,
  tagImage,
} from '../../../src/shared/ami/images';
import {
  describeLaunchTemplate,
  type LaunchTemplateChange,
  type LaunchTemplateState,
} from '../../../src/shared/ami/launch-templates';
import { describeGroups, groupTemplateIndex } from '../../../src/shared/ami/instance-refresh';
import { applyPrune, planPrune } from '../../../src/shared/ami/prune';
import type { RetentionPlan } from '../../../src/shared/ami/retention';
import { buildTags } from '../../../src/shared/ami/tags';
import { loadTemplate, type PackerTemplate } from '../../../src/shared/packer/template';
import type { Logger } from '../../../src/shared/runtime';
import type { BakeAmiInputs } from './inputs';
import { buildImage } from './build';
import { distribute, type CopyResult } from './distribute';
import { rollOut, type RefreshResult } from './roll-out';

export interface BakeClients {
  ec2: Ec2;
  ssm: SSMClient;
  s3: S3Client;
  autoscaling: AutoScalingClient;
  /** EC2 clients of the copy-to regions. */
  ec2In(region: string): Ec2;
}

export interface BakeResult {
  dryRun: boolean;
  baseAmi: BaseAmi;
  playbooks?: PlaybooksRelease;
  template: PackerTemplate;
  fingerprint: string;
  /** The image this run built or matched; undefined id in dry-run when a build would run. */
  image: { id?: string; name: string; skipped: boolean; buildMs?: number };
  copies: CopyResult[];
  launchTemplates: LaunchTemplateChange[];
  refreshes: RefreshResult[];
  prune: RetentionPlan;
  pruned: string[];
}

export interface BakeEnvironment {
  clients: BakeClients;
  logger: Logger;
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Called as soon as an output is known, so a later failure keeps it. */
  output: (name: string, value: string | number | boolean | object) => void;
}

/** Runs the whole bake; see the module comment for the order of phases. */
export async function bake(inputs: BakeAmiInputs, environment: BakeEnvironment): Promise<BakeResult> {
  const { clients, logger, output } = environment;
  const baseAmi = await resolveBaseAmi(inputs.baseAmi, clients);
  logger.info(`Base image: ${baseAmi.imageId} (${baseAmi.name}) from ${baseAmi.source}`);
  output('base-ami-id', baseAmi.imageId);
  const playbooks = inputs.playbooksPointer
    ? await readPlaybooksRelease(clients.s3, inputs.playbooksPointer)
    : undefined;
  const template = loadTemplate(inputs.template, environment.cwd);
  const fingerprint = computeFingerprint({
    baseAmiId: baseAmi.imageId,
    templateFiles: template.files,
    vars: inputs.vars,
    playbooksRelease: playbooks ? releaseFingerprintPart(playbooks) : undefined,
  });
  logger.info(`Fingerprint ${fingerprint} over ${template.files.length} template files`);
  output('fingerprint', fingerprint);

  // Everything the rollout needs is read (and checked) before Packer runs for many minutes.
  const templates: LaunchTemplateState[] = [];
  for (const ref of inputs.launchTemplates) templates.push(await describeLaunchTemplate(clients.ec2, ref));
  const groups = await describeGroups(clients.autoscaling, inputs.autoScalingGroups);
  groups.forEach((group) => groupTemplateIndex(group, templates));

  const baked = await listBakedImages(clients.ec2, inputs.namePrefix);
  const match = inputs.skipIfUnchanged ? findByFingerprint(baked, fingerprint) : undefined;
  const buildTime = environment.now();
  let image: Image | undefined = match;
  let buildMs: number | undefined;
  if (match) {
    logger.info(
      `Image ${match.ImageId} (${match.Name}) already has fingerprint ${fingerprint}: not running Packer`,
    );
  } else if (!inputs.dryRun) {
    const built = await buildImage(inputs, environment, {
      template,
      baseAmi,
      playbooks,
      fingerprint,
      name: amiName(inputs.namePrefix, fingerprint, buildTime),
    });
    buildMs = built.durationMs;
    const tags = buildTags({
      namePrefix: inputs.namePrefix,
      fingerprint,
      baseAmiId: baseAmi.imageId,
      baseAmiName: baseAmi.name,
      playbooksRelease: playbooks?.release,
      sourceCommit: environment.env.GITHUB_SHA,
      sourceRepository: environment.env.GITHUB_REPOSITORY,
      buildTime,
    });
    const described = await describeImage(clients.ec2, built.imageId);
    await tagImage(clients.ec2, described, tags);
    image = {
      ...described,
      Tags: [...(described.Tags ?? []).filter((tag) => !tags.some((own) => own.Key === tag.Key)), ...tags],
    };
  }
  const name = image?.Name ?? amiName(inputs.namePrefix, fingerprint, buildTime);
  if (image) {
    output('ami-id', image.ImageId!);
    output('ami-name', name);
  }
  output('skipped', Boolean(match));

  const copies = await distribute(inputs, environment, image, fingerprint);
  const rollout = await rollOut(inputs, environment, { imageId: image?.ImageId, templates, groups });

  const prune = await planPrune({
    ec2: clients.ec2,
    autoscaling: clients.autoscaling,
    baked: image && !baked.some((entry) => entry.ImageId === image.ImageId) ? [image, ...baked] : baked,
    ownImages: await listOwnImages(clients.ec2),
    keep: inputs.keep,
    protectedImageIds: image?.ImageId ? [image.ImageId] : [],
    templates,
    changes: rollout.launchTemplates,
    // In a dry run that would build, the new image counts among the newest.
    reservedSlots: image ? 0 : 1,
  });
  const pruned = inputs.dryRun
    ? []
    : await logger.group('Prune', () => applyPrune(clients.ec2, prune, logger));
  output('pruned', pruned);
  return {
    dryRun: inputs.dryRun,
    baseAmi,
    playbooks,
    template,
    fingerprint,
    image: { id: image?.ImageId, name, skipped: Boolean(match), buildMs },
    copies,
    launchTemplates: rollout.launchTemplates,
    refreshes: rollout.refreshes,
    prune,
    pruned,
  };
}
