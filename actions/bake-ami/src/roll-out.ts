/** The rollout phase: new launch template versions, then instance refreshes (optionally awaited). */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import {
  planRefresh,
  startRefresh,
  waitForRefreshes,
  type RefreshPlan,
} from '../../../src/shared/ami/instance-refresh';
import {
  applyLaunchTemplateChange,
  planLaunchTemplateChange,
  type LaunchTemplateChange,
  type LaunchTemplateState,
} from '../../../src/shared/ami/launch-templates';
import type { BakeAmiInputs } from './inputs';
import type { BakeEnvironment } from './bake';

export interface RefreshResult {
  group: string;
  plan: RefreshPlan;
  /** The refresh id; undefined when none was needed or in dry-run. */
  id?: string;
  /** The final status when waited for. */
  status?: string;
}

/** The placeholder image id a dry run plans with when the image is not built yet. */
export const NEW_IMAGE = '(new image)';

/**
 * Gives each launch template a version with the image (made the default), then starts an
 * instance refresh of each group to its template's explicit new version.
 */
export async function rollOut(
  inputs: BakeAmiInputs,
  environment: BakeEnvironment,
  target: { imageId?: string; templates: LaunchTemplateState[]; groups: AutoScalingGroup[] },
): Promise<{ launchTemplates: LaunchTemplateChange[]; refreshes: RefreshResult[] }> {
  const { clients, logger } = environment;
  const imageId = target.imageId ?? NEW_IMAGE;
  const launchTemplates: LaunchTemplateChange[] = [];
  for (const state of target.templates) {
    const planned = planLaunchTemplateChange(state, imageId);
    if (inputs.dryRun || !planned.created) {
      launchTemplates.push(planned);
      continue;
    }
    const applied = await applyLaunchTemplateChange(clients.ec2, planned, `bake-ami ${imageId}`);
    logger.info(
      `Launch template ${applied.name}: version ${applied.version} (${imageId}) is now the default`,
    );
    launchTemplates.push(applied);
  }
  const refreshes: RefreshResult[] = [];
  for (const group of target.groups) {
    const plan = planRefresh(group, target.templates, launchTemplates);
    if (!plan.needed || inputs.dryRun) {
      if (!plan.needed)
        logger.info(`${plan.group} already runs ${plan.launchTemplateName} version ${plan.targetVersion}`);
      refreshes.push({ group: plan.group, plan });
      continue;
    }
    const id = await startRefresh(clients.autoscaling, plan, {
      minHealthyPercentage: inputs.minHealthyPercent,
    });
    logger.info(
      `${plan.group}: instance refresh ${id} to ${plan.launchTemplateName} version ${plan.targetVersion}`,
    );
    refreshes.push({ group: plan.group, plan, id });
  }
  environment.output(
    'launch-template-versions',
    launchTemplates.map((change) => ({
      id: change.id,
      name: change.name,
      version: change.version,
      created: change.created,
    })),
  );
  environment.output(
    'instance-refresh-ids',
    Object.fromEntries(
      refreshes.filter((refresh) => refresh.id).map((refresh) => [refresh.group, refresh.id]),
    ),
  );
  const started = refreshes.filter(
    (refresh): refresh is RefreshResult & { id: string } => refresh.id !== undefined,
  );
  if (inputs.waitForRefresh && started.length > 0) {
    const states = await logger.group('Wait for instance refresh', () =>
      waitForRefreshes(
        clients.autoscaling,
        started.map((refresh) => ({ group: refresh.group, id: refresh.id })),
        { timeout: inputs.refreshTimeout, interval: 30_000, logger },
      ),
    );
    for (const state of states) {
      const refresh = refreshes.find((entry) => entry.id === state.InstanceRefreshId);
      if (refresh) refresh.status = state.Status;
    }
  }
  return { launchTemplates, refreshes };
}
