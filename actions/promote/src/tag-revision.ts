/**
 * Marks a revision as promoted: a `promoted-to:<cluster>` tag whose value is the time, on the
 * task definition itself, so a later rollback can find the last revision known good there.
 */
import { TagResourceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { withContext } from '../../../src/shared/runtime/errors';

/** ECS tag keys are at most 128 characters. */
const MAX_KEY = 128;

/** The tag recording a promotion to `cluster` at `at`. */
export function promotionTag(cluster: string, at: number): { key: string; value: string } {
  return { key: `promoted-to:${cluster}`.slice(0, MAX_KEY), value: new Date(at).toISOString() };
}

/**
 * Tags the revision. Task definitions are taggable by ARN (TagResource); a newer promotion to
 * the same cluster overwrites the value, so one revision never collects more than one tag per
 * cluster (ECS allows 50 tags per resource).
 */
export async function tagPromotion(
  ecs: ECSClient,
  taskDefinitionArn: string,
  cluster: string,
  at: number,
): Promise<{ key: string; value: string }> {
  const tag = promotionTag(cluster, at);
  await withContext(`tag ${taskDefinitionArn} with ${tag.key}`, () =>
    ecs.send(new TagResourceCommand({ resourceArn: taskDefinitionArn, tags: [tag] })),
  );
  return tag;
}
