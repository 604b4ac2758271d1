/** The Packer phase: which variables the template gets, and which AMI of the run is ours. */
import type { BaseAmi } from '../../../src/shared/ami/base-ami';
import type { PlaybooksRelease } from '../../../src/shared/ami/playbooks-release';
import { uniqueArtifacts, type AmiArtifact } from '../../../src/shared/packer/machine-readable';
import { PackerFailedError, runPackerBuild } from '../../../src/shared/packer/run-packer';
import type { PackerTemplate } from '../../../src/shared/packer/template';
import type { BakeAmiInputs } from './inputs';
import type { BakeEnvironment } from './bake';

export interface BuildRequest {
  template: PackerTemplate;
  baseAmi: BaseAmi;
  playbooks?: PlaybooksRelease;
  fingerprint: string;
  name: string;
}

/**
 * The variables passed to Packer: always base_ami, ami_name and fingerprint (templates declare
 * them), playbooks_pointer when a pointer is given, then the `vars` input. Pure.
 */
export function packerVariables(request: BuildRequest, vars: Record<string, string>): [string, string][] {
  return [
    ['base_ami', request.baseAmi.imageId],
    ['ami_name', request.name],
    ['fingerprint', request.fingerprint],
    ...(request.playbooks ? ([['playbooks_pointer', request.playbooks.uri]] as [string, string][]) : []),
    ...Object.entries(vars),
  ];
}

/**
 * The one AMI of this run in the build region, from the machine-readable artifacts and the
 * manifest together. Throws when there is none or more than one. Pure.
 */
export function pickImage(region: string, artifacts: AmiArtifact[], manifest: AmiArtifact[] = []): string {
  const inRegion = uniqueArtifacts([...artifacts, ...manifest]).filter(
    (artifact) => artifact.region === region,
  );
  if (inRegion.length === 0) {
    const elsewhere = uniqueArtifacts([...artifacts, ...manifest]);
    throw new PackerFailedError(
      `Packer finished but reported no AMI in ${region}${
        elsewhere.length > 0
          ? ` (it reported ${elsewhere.map((a) => `${a.region}:${a.imageId}`).join(', ')})`
          : ''
      }; the template must build in the action's region`,
    );
  }
  if (inRegion.length > 1)
    throw new PackerFailedError(
      `Packer built ${inRegion.length} AMIs in ${region} (${inRegion.map((a) => `${a.imageId} from ${a.build}`).join(', ')}); bake-ami needs a template with one build per region`,
    );
  return inRegion[0].imageId;
}

/** Runs Packer and returns the new image's id. */
export async function buildImage(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  request: BuildRequest,
): Promise<{ imageId: string; durationMs: number }> {
  environment.logger.info(`Building ${request.name} with ${inputs.packer} from ${request.template.path}`);
  const result = await runPackerBuild({
    packer: inputs.packer,
    template: request.template,
    variables: packerVariables(request, inputs.vars),
    cwd: environment.cwd,
    env: { ...environment.env, AWS_REGION: inputs.region, AWS_DEFAULT_REGION: inputs.region },
    logger: environment.logger,
  });
  const imageId = pickImage(inputs.region, result.artifacts, result.manifestArtifacts);
  environment.logger.info(`Packer built ${imageId} in ${Math.round(result.durationMs / 1000)} s`);
  return { imageId, durationMs: result.durationMs };
}
