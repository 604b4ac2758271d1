/**
 * The bake, phase by phase: resolve the base image, fingerprint the build, reuse a matching
 * image or run Packer, tag/share/copy, roll out through launch templates and instance
 * refreshes, then prune. Calls only shared domain functions; dry-run stops before every write.
 */
import type { AutoScalingClient, AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
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
import { listBakedImages, listOwnImages } from '../../../src/shared/ami/images';
import {
  describeLaunchTemplate,
  type LaunchTemplateChange,
  type LaunchTemplateState,
} from '../../../src/shared/ami/launch-templates';
import { describeGroups, groupTemplateIndex } from '../../../src/shared/ami/instance-refresh';
import { applyPrune, planPrune } from '../../../src/shared/ami/prune';
import type { RetentionPlan } from '../../../src/shared/ami/retention';
import { loadTemplate, type PackerTemplate } from '../../../src/shared/packer/template';
import type { Clock } from '../../../src/shared/aws/poll';
import type { Logger } from '../../../src/shared/runtime';
import type { BakeAmiInputs } from './inputs';
import { buildImage } from './build';
import { distribute, type CopyResult } from './distribute';
import { findReusableImage, tagBakedImage, type ReusedImage } from './reuse';
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
  image: { id?: string; name: string; skipped: boolean; adopted: boolean; buildMs?: number };
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
  /** For waiting on a pending image; real time when unset. */
  clock?: Clock;
  /** Called as soon as an output is known, so a later failure keeps it. */
  output: (name: string, value: string | number | boolean | object) => void;
}

/** What the build is made of: base image, playbook release, template and their fingerprint. */
interface BuildInputs {
  baseAmi: BaseAmi;
  playbooks?: PlaybooksRelease;
  template: PackerTemplate;
  fingerprint: string;
}

async function identifyBuild(inputs: BakeAmiInputs, environment: BakeEnvironment): Promise<BuildInputs> {
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
  return { baseAmi, playbooks, template, fingerprint };
}

/** Reads and checks what the rollout needs, before Packer runs for many minutes. */
async function readRolloutTargets(
  inputs: BakeAmiInputs,
  clients: BakeClients,
): Promise<{ templates: LaunchTemplateState[]; groups: AutoScalingGroup[] }> {
  const templates: LaunchTemplateState[] = [];
  for (const ref of inputs.launchTemplates) templates.push(await describeLaunchTemplate(clients.ec2, ref));
  const groups = await describeGroups(clients.autoscaling, inputs.autoScalingGroups);
  groups.forEach((group) => groupTemplateIndex(group, templates));
  return { templates, groups };
}

/**
 * The image of this run: the reused one (see `findReusableImage`), else a new Packer build,
 * tagged with its snapshots. Undefined in a dry run that would build.
 */
async function obtainImage(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  build: BuildInputs,
  reused: ReusedImage | undefined,
  buildTime: Date,
): Promise<{ image?: Image; buildMs?: number }> {
  if (reused) return { image: reused.image };
  if (inputs.dryRun) return {};
  const built = await buildImage(inputs, environment, {
    ...build,
    name: amiName(inputs.namePrefix, build.fingerprint, buildTime),
  });
  const image = await tagBakedImage(inputs, environment, build, { ImageId: built.imageId }, buildTime);
  return { image, buildMs: built.durationMs };
}

/** Runs the whole bake; see the module comment for the order of phases. */
export async function bake(inputs: BakeAmiInputs, environment: BakeEnvironment): Promise<BakeResult> {
  const { clients, logger, output } = environment;
  const build = await identifyBuild(inputs, environment);
  const { templates, groups } = await readRolloutTargets(inputs, clients);
  const baked = await listBakedImages(clients.ec2, inputs.namePrefix);
  const reused = inputs.skipIfUnchanged
    ? await findReusableImage(inputs, environment, build, baked)
    : undefined;
  const buildTime = environment.now();
  const { image, buildMs } = await obtainImage(inputs, environment, build, reused, buildTime);
  const name = image?.Name ?? amiName(inputs.namePrefix, build.fingerprint, buildTime);
  if (image) {
    output('ami-id', image.ImageId!);
    output('ami-name', name);
  }
  output('skipped', Boolean(reused));

  const copies = await distribute(inputs, environment, image, build.fingerprint);
  const rollout = await rollOut(inputs, environment, { imageId: image?.ImageId, templates, groups });
  const prune = await planPrune({
    ec2: clients.ec2,
    autoscaling: clients.autoscaling,
    // This run's image as it is now (built, or waited for and tagged), in place of its listing.
    baked: image ? [image, ...baked.filter((entry) => entry.ImageId !== image.ImageId)] : baked,
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
    ...build,
    image: { id: image?.ImageId, name, skipped: Boolean(reused), adopted: reused?.adopted ?? false, buildMs },
    copies,
    launchTemplates: rollout.launchTemplates,
    refreshes: rollout.refreshes,
    prune,
    pruned,
  };
}
