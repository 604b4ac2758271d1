/**
 * The tags bake-ami puts on the images (and their snapshots) it builds. They are how a later
 * run finds a build with the same fingerprint and knows which images it may prune.
 */

export const TAG = {
  namePrefix: 'bake-ami:name-prefix',
  fingerprint: 'bake-ami:fingerprint',
  baseAmiId: 'bake-ami:base-ami-id',
  baseAmiName: 'bake-ami:base-ami-name',
  playbooksRelease: 'bake-ami:playbooks-release',
  sourceCommit: 'bake-ami:source-commit',
  sourceRepository: 'bake-ami:source-repository',
  buildTime: 'bake-ami:build-time',
} as const;

export interface BuildTagInput {
  namePrefix: string;
  fingerprint: string;
  baseAmiId: string;
  baseAmiName: string;
  playbooksRelease?: string;
  sourceCommit?: string;
  sourceRepository?: string;
  buildTime: Date;
}

/** EC2 tag values are at most 256 characters. */
const MAX_VALUE = 256;

/** The tags for a new image and its snapshots (empty values left out; long values cut). */
export function buildTags(input: BuildTagInput): { Key: string; Value: string }[] {
  const entries: [string, string | undefined][] = [
    [TAG.namePrefix, input.namePrefix],
    [TAG.fingerprint, input.fingerprint],
    [TAG.baseAmiId, input.baseAmiId],
    [TAG.baseAmiName, input.baseAmiName],
    [TAG.playbooksRelease, input.playbooksRelease],
    [TAG.sourceCommit, input.sourceCommit],
    [TAG.sourceRepository, input.sourceRepository],
    [TAG.buildTime, input.buildTime.toISOString()],
  ];
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([Key, Value]) => ({ Key, Value: Value.slice(0, MAX_VALUE) }));
}

/** The value of tag `key` on a resource. */
export function tagValue(
  tags: { Key?: string; Value?: string }[] | undefined,
  key: string,
): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}
