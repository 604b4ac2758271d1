import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import { isObject } from './task-definition-file';
import { dropUnknownKeys } from './task-definition-schema';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A task definition in a canonical form for comparing what we would register with what
 * DescribeTaskDefinition returns: only RegisterTaskDefinition members, no tags, defaults ECS
 * fills in removed (essential true, container cpu 0, protocol tcp, readOnly false, bridge network
 * mode, host ports equal to container ports in awsvpc/host mode, dynamic host port 0), empty
 * lists and objects removed, name/value lists sorted by name, numbers as ECS stores them, keys sorted.
 */
export function canonicalTaskDefinition(
  definition: RegisterTaskDefinitionCommandInput | TaskDefinition,
): Json {
  const { value } = dropUnknownKeys(definition);
  const copy = structuredClone(value) as Record<string, unknown>;
  delete copy.tags;
  const mode = (copy.networkMode as string | undefined) ?? 'bridge';
  if (mode === 'bridge') delete copy.networkMode;
  for (const key of ['cpu', 'memory'] as const)
    if (typeof copy[key] === 'number') copy[key] = String(copy[key]);
  for (const container of (copy.containerDefinitions as Record<string, unknown>[] | undefined) ?? [])
    normaliseContainer(container, mode);
  return prune(copy) ?? {};
}

function normaliseContainer(container: Record<string, unknown>, mode: string): void {
  if (container.essential === true) delete container.essential;
  if (container.cpu === 0) delete container.cpu;
  for (const mapping of (container.portMappings as Record<string, unknown>[] | undefined) ?? []) {
    if (mapping.protocol === 'tcp') delete mapping.protocol;
    if (mapping.hostPort === 0 || (mode !== 'bridge' && mapping.hostPort === mapping.containerPort))
      delete mapping.hostPort;
  }
  for (const list of ['mountPoints', 'volumesFrom'])
    for (const item of (container[list] as Record<string, unknown>[] | undefined) ?? [])
      if (item.readOnly === false) delete item.readOnly;
  // ECS does not keep the order of these name/value lists.
  for (const list of ['environment', 'secrets'])
    if (Array.isArray(container[list]))
      (container[list] as { name?: string }[]).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

/** Removes undefined/null, empty lists and empty objects; sorts object keys. */
function prune(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((item): item is Json => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => [key, prune(value[key])] as const)
      .filter(([, item]) => item !== undefined);
    return entries.length > 0 ? (Object.fromEntries(entries) as Json) : undefined;
  }
  return value as Json;
}

/** True when both definitions register the same thing. */
export function sameTaskDefinition(
  a: RegisterTaskDefinitionCommandInput | TaskDefinition,
  b: RegisterTaskDefinitionCommandInput | TaskDefinition,
): boolean {
  return JSON.stringify(canonicalTaskDefinition(a)) === JSON.stringify(canonicalTaskDefinition(b));
}

/** Pretty canonical JSON, for diffs. */
export function canonicalText(definition: RegisterTaskDefinitionCommandInput | TaskDefinition): string {
  return JSON.stringify(canonicalTaskDefinition(definition), null, 2);
}
