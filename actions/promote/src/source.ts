/**
 * Reading what the source environment runs, and the rules that refuse to promote it: a service
 * mid-deployment, services that disagree, a deployment younger than the soak, images not pinned
 * by digest. The rules are pure (`sourceProblems`); `readSource` only gathers the facts.
 */
import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { shortArn } from '../../../src/shared/ecs/deploy-revision';
import {
  describeServicesOrFail,
  primaryDeployment,
  runningRevision,
} from '../../../src/shared/ecs/service-state';
import { formatDuration } from '../../../src/shared/runtime/duration';
import { withContext } from '../../../src/shared/runtime/errors';

/** What one source service runs. */
export interface SourceService {
  service: string;
  taskDefinitionArn: string;
  deploymentId?: string;
  rolloutState?: string;
  /** Deployments the service has (more than one means a rollout is under way). */
  deployments: number;
  steady: boolean;
  /**
   * When the PRIMARY deployment last changed (ms). For a COMPLETED deployment this is when it
   * completed, or later: a later update only makes the soak check stricter, never looser.
   */
  completedAt?: number;
}

/** One container image of the revision. */
export interface SourceImage {
  container: string;
  image: string;
  pinned: boolean;
}

export interface SourceState {
  services: SourceService[];
  /** The revision every service runs (undefined when they disagree). */
  taskDefinitionArn?: string;
  images: SourceImage[];
}

/** `repo@sha256:<64 hex>` (a tag before the digest is allowed and ignored by the registry). */
const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Whether an image reference names an immutable digest. */
export function isDigestPinned(image: string): boolean {
  return DIGEST.test(image);
}

/** Every reason the source cannot be promoted now, as sentences for the log and summary. */
export function sourceProblems(
  state: SourceState,
  rules: { soakMs: number; allowTags: boolean; now: number },
): string[] {
  const problems: string[] = [];
  for (const service of state.services) {
    if (!service.steady || service.deployments > 1)
      problems.push(
        `${service.service} is mid-deployment (PRIMARY ${service.rolloutState ?? 'not steady'}, ${service.deployments} deployments): promote once it has finished`,
      );
    else if (service.completedAt === undefined)
      problems.push(`${service.service}: ECS reported no time for its deployment, so its soak is unknown`);
    else if (rules.now - service.completedAt < rules.soakMs)
      problems.push(
        `${service.service}'s deployment finished ${formatDuration(Math.max(0, rules.now - service.completedAt))} ago; soak is ${formatDuration(rules.soakMs)}`,
      );
  }
  const revisions = new Set(state.services.map((s) => s.taskDefinitionArn));
  if (revisions.size > 1)
    problems.push(
      `source services run different revisions (${state.services.map((s) => `${s.service}: ${shortArn(s.taskDefinitionArn)}`).join(', ')}): promote one revision at a time`,
    );
  const tagged = state.images.filter((image) => !image.pinned);
  if (!rules.allowTags && tagged.length > 0)
    problems.push(
      `images are not pinned by digest (${tagged.map((i) => `${i.container}: ${i.image}`).join(', ')}): the same tag may pull different code in the target; deploy with pin-digests or set allow-tags: true`,
    );
  return problems;
}

/** Reads each source service's PRIMARY deployment and, when they agree, the revision's images. */
export async function readSource(ecs: ECSClient, cluster: string, services: string[]): Promise<SourceState> {
  const described = await describeServicesOrFail(ecs, cluster, services);
  const sourceServices = described.map((service): SourceService => {
    const running = runningRevision(service);
    return {
      service: running.service,
      taskDefinitionArn: running.taskDefinitionArn,
      deploymentId: running.deploymentId,
      rolloutState: running.rolloutState,
      deployments: service.deployments?.length ?? 0,
      steady: running.steady,
      completedAt: primaryDeployment(service)?.updatedAt?.getTime(),
    };
  });
  const revisions = [...new Set(sourceServices.map((s) => s.taskDefinitionArn))];
  if (revisions.length !== 1) return { services: sourceServices, images: [] };
  const arn = revisions[0];
  const { taskDefinition } = await withContext(`describe task definition ${shortArn(arn)}`, () =>
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })),
  );
  const images = (taskDefinition?.containerDefinitions ?? []).map((container) => ({
    container: container.name ?? '',
    image: container.image ?? '',
    pinned: isDigestPinned(container.image ?? ''),
  }));
  return { services: sourceServices, taskDefinitionArn: arn, images };
}
