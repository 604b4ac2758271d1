/**
 * Launch templates: read each template's default and latest versions, then give it a new
 * version (from the current default, with only the image changed) and make that the default.
 */
import type { Ec2 } from './ec2/operations';
import { ActionError, withContext } from '../runtime/errors';

/** A launch template as bake-ami sees it. */
export interface LaunchTemplateState {
  /** How the input named it (id or name). */
  ref: string;
  id: string;
  name: string;
  defaultVersion: number;
  latestVersion: number;
  defaultImageId?: string;
  latestImageId?: string;
}

/** What bake-ami does (or did) to one launch template. */
export interface LaunchTemplateChange {
  id: string;
  name: string;
  /** The default version before the run. */
  fromVersion: number;
  /** The default version after the run (the new one, or the unchanged default). */
  version: number;
  imageId: string;
  /** False when the default version already used the image. */
  created: boolean;
}

/** Reads a launch template (by `lt-…` id or by name) with its default and latest versions' images. */
export async function describeLaunchTemplate(ec2: Ec2, ref: string): Promise<LaunchTemplateState> {
  const byId = /^lt-[0-9a-f]+$/.test(ref);
  const found = await withContext(`describe launch template ${ref}`, () =>
    ec2.describeLaunchTemplates(byId ? { LaunchTemplateIds: [ref] } : { LaunchTemplateNames: [ref] }),
  );
  const template = found.LaunchTemplates?.[0];
  if (!template?.LaunchTemplateId)
    throw new ActionError(`Launch template ${ref} does not exist`, { title: 'Launch template not found' });
  const versions = await withContext(
    `describe the default and latest versions of launch template ${ref}`,
    () =>
      ec2.describeLaunchTemplateVersions({
        LaunchTemplateId: template.LaunchTemplateId,
        Versions: ['$Default', '$Latest'],
      }),
  );
  const image = (number: number | undefined) =>
    versions.LaunchTemplateVersions?.find((version) => version.VersionNumber === number)?.LaunchTemplateData
      ?.ImageId;
  return {
    ref,
    id: template.LaunchTemplateId,
    name: template.LaunchTemplateName ?? ref,
    defaultVersion: template.DefaultVersionNumber ?? 1,
    latestVersion: template.LatestVersionNumber ?? 1,
    defaultImageId: image(template.DefaultVersionNumber),
    latestImageId: image(template.LatestVersionNumber),
  };
}

/** What would change: a new version unless the default version already uses the image. Pure. */
export function planLaunchTemplateChange(state: LaunchTemplateState, imageId: string): LaunchTemplateChange {
  const created = state.defaultImageId !== imageId;
  return {
    id: state.id,
    name: state.name,
    fromVersion: state.defaultVersion,
    // The version number AWS will assign is the next after the latest.
    version: created ? state.latestVersion + 1 : state.defaultVersion,
    imageId,
    created,
  };
}

/**
 * Creates the new version from the current default (SourceVersion keeps every other setting)
 * and makes it the default. Returns the change with the version number AWS assigned.
 */
export async function applyLaunchTemplateChange(
  ec2: Ec2,
  change: LaunchTemplateChange,
  description: string,
): Promise<LaunchTemplateChange> {
  if (!change.created) return change;
  const created = await withContext(
    `create a version of launch template ${change.name} with ${change.imageId}`,
    () =>
      ec2.createLaunchTemplateVersion({
        LaunchTemplateId: change.id,
        SourceVersion: String(change.fromVersion),
        VersionDescription: description.slice(0, 255),
        LaunchTemplateData: { ImageId: change.imageId },
      }),
  );
  const version = created.LaunchTemplateVersion?.VersionNumber;
  if (version === undefined)
    throw new ActionError(`AWS returned no version number for launch template ${change.name}`);
  await withContext(`make version ${version} the default of launch template ${change.name}`, () =>
    ec2.modifyLaunchTemplate({ LaunchTemplateId: change.id, DefaultVersion: String(version) }),
  );
  return { ...change, version };
}
