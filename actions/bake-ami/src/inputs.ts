import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_BASE_AMI,
  parseBaseAmiSelector,
  type BaseAmiSelector,
} from '../../../src/shared/ami/base-ami';
import { validateNamePrefix } from '../../../src/shared/ami/fingerprint';
import { parseS3Uri } from '../../../src/shared/ami/playbooks-release';
import { resolveRegion } from '../../../src/shared/aws/region';
import { InputError, Inputs } from '../../../src/shared/runtime';

/** Input names, exactly as action.yml declares them. */
export const INPUTS = {
  template: 'template',
  packer: 'packer',
  baseAmi: 'base-ami',
  namePrefix: 'name-prefix',
  vars: 'vars',
  playbooksPointer: 'playbooks-pointer',
  skipIfUnchanged: 'skip-if-unchanged',
  keep: 'keep',
  launchTemplates: 'launch-templates',
  autoScalingGroups: 'auto-scaling-groups',
  minHealthyPercent: 'min-healthy-percent',
  waitForRefresh: 'wait-for-refresh',
  refreshTimeout: 'refresh-timeout',
  shareWith: 'share-with',
  copyToRegions: 'copy-to-regions',
  dryRun: 'dry-run',
  region: 'region',
} as const;

/** Output names, exactly as action.yml declares them. */
export const OUTPUTS = {
  amiId: 'ami-id',
  amiName: 'ami-name',
  baseAmiId: 'base-ami-id',
  fingerprint: 'fingerprint',
  skipped: 'skipped',
  launchTemplateVersions: 'launch-template-versions',
  instanceRefreshIds: 'instance-refresh-ids',
  copiedAmis: 'copied-amis',
  pruned: 'pruned',
} as const;

/** Variables the action passes to Packer itself; `vars` may not set them. */
export const RESERVED_VARIABLES = ['base_ami', 'ami_name', 'fingerprint', 'playbooks_pointer'];

/** The template shipped with the action: `ecs-node/packer` at the root of this repository. */
export const BUNDLED_TEMPLATE = path.resolve(__dirname, '..', '..', '..', 'ecs-node', 'packer');

export interface BakeAmiInputs {
  /** Absolute path of the template file or directory. */
  template: string;
  packer: string;
  baseAmi: BaseAmiSelector;
  baseAmiText: string;
  namePrefix: string;
  vars: Record<string, string>;
  playbooksPointer?: string;
  skipIfUnchanged: boolean;
  keep: number;
  launchTemplates: string[];
  autoScalingGroups: string[];
  minHealthyPercent: number;
  waitForRefresh: boolean;
  refreshTimeout: number;
  shareWith: string[];
  copyToRegions: string[];
  dryRun: boolean;
  region: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const LAUNCH_TEMPLATE = /^(lt-[0-9a-f]+|[A-Za-z0-9().\-/_]{3,128})$/;

/** Parses and checks every input, cross-input rules included, before any AWS call. */
export function parseInputs(inputs = new Inputs(), cwd = process.cwd()): BakeAmiInputs {
  const region = resolveRegion(inputs.optional(INPUTS.region));
  const templateText = inputs.optional(INPUTS.template);
  const template = templateText ? path.resolve(cwd, templateText) : BUNDLED_TEMPLATE;
  if (!existsSync(template))
    throw new InputError(
      INPUTS.template,
      `names a path that does not exist: '${templateText ?? template}'`,
      'Give a Packer template file or directory',
    );
  const packer = inputs.string(INPUTS.packer, 'packer');
  if (packer.includes('/') && !existsSync(path.resolve(cwd, packer)))
    throw new InputError(
      INPUTS.packer,
      `names a file that does not exist: '${packer}'`,
      'Give the path of the Packer executable, or leave it empty to use packer from PATH',
    );
  const baseAmiText = inputs.string(INPUTS.baseAmi, DEFAULT_BASE_AMI);
  const vars = inputs.map(INPUTS.vars);
  const reserved = Object.keys(vars).filter((key) => RESERVED_VARIABLES.includes(key));
  if (reserved.length > 0)
    throw new InputError(
      INPUTS.vars,
      `sets ${reserved.join(', ')}, which the action passes to Packer itself`,
    );
  const playbooksPointer = inputs.optional(INPUTS.playbooksPointer);
  if (playbooksPointer) parseS3Uri(playbooksPointer, INPUTS.playbooksPointer);
  const rollout = parseRollout(inputs);
  const distribution = parseDistribution(inputs, region);
  return {
    template,
    packer,
    baseAmi: parseBaseAmiSelector(baseAmiText, INPUTS.baseAmi),
    baseAmiText,
    namePrefix: validateNamePrefix(inputs.string(INPUTS.namePrefix, 'ecs-node'), INPUTS.namePrefix),
    vars,
    playbooksPointer,
    skipIfUnchanged: inputs.boolean(INPUTS.skipIfUnchanged, true),
    keep: inputs.integer(INPUTS.keep, { default: 5, min: 1, max: 1000 }),
    ...rollout,
    minHealthyPercent: inputs.integer(INPUTS.minHealthyPercent, { default: 90, min: 0, max: 100 }),
    waitForRefresh: inputs.boolean(INPUTS.waitForRefresh, false),
    refreshTimeout: inputs.duration(INPUTS.refreshTimeout, { default: '60m', min: 60_000 }),
    ...distribution,
    dryRun: inputs.boolean(INPUTS.dryRun, false),
    region,
  };
}

function parseRollout(inputs: Inputs): { launchTemplates: string[]; autoScalingGroups: string[] } {
  const launchTemplates = inputs.list(INPUTS.launchTemplates, { commas: true });
  const bad = launchTemplates.find((name) => !LAUNCH_TEMPLATE.test(name));
  if (bad)
    throw new InputError(INPUTS.launchTemplates, `has an invalid launch template id or name: '${bad}'`);
  const autoScalingGroups = inputs.list(INPUTS.autoScalingGroups, { commas: true });
  if (autoScalingGroups.length > 0 && launchTemplates.length === 0)
    throw new InputError(
      INPUTS.autoScalingGroups,
      'needs launch-templates: an instance refresh rolls out the new launch template version',
      "List the groups' launch templates in launch-templates",
    );
  return { launchTemplates, autoScalingGroups };
}

function parseDistribution(inputs: Inputs, region: string): { shareWith: string[]; copyToRegions: string[] } {
  const shareWith = inputs.list(INPUTS.shareWith, { commas: true });
  const account = shareWith.find((id) => !/^\d{12}$/.test(id));
  if (account)
    throw new InputError(
      INPUTS.shareWith,
      `has an invalid account id: '${account}'`,
      'Account ids are 12 digits',
    );
  const copyToRegions = inputs.list(INPUTS.copyToRegions, { commas: true });
  const badRegion = copyToRegions.find((name) => !REGION.test(name) || name === region);
  if (badRegion)
    throw new InputError(
      INPUTS.copyToRegions,
      badRegion === region
        ? `includes the build region ${region}`
        : `has an invalid region name: '${badRegion}'`,
    );
  return { shareWith, copyToRegions };
}
