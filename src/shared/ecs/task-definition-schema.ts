import { RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';
import { NormalizedSchema } from '@smithy/core/schema';

/** A key the bundled ECS model does not know, by its path in the definition. */
export type UnknownKey = string;

/**
 * The RegisterTaskDefinition input shape of the bundled SDK's ECS model, read at run time, so
 * the accepted keys are exactly those of the SDK we ship (no hand-kept list to drift).
 */
export function registerTaskDefinitionSchema(): NormalizedSchema {
  return NormalizedSchema.of(RegisterTaskDefinitionRequest$);
}

/** The top-level members RegisterTaskDefinition accepts. */
export function registerTaskDefinitionKeys(): string[] {
  return [...registerTaskDefinitionSchema().structIterator()].map(([name]) => name);
}

/**
 * Drops every key the model does not know, at any depth (container definitions, volumes,
 * log configuration …), and returns the cleaned value with the dropped keys' paths such as
 * `containerDefinitions[0].credentialSpecs2`. Map values (docker labels, log options) keep any key.
 */
export function dropUnknownKeys(value: unknown): { value: unknown; dropped: UnknownKey[] } {
  const dropped: UnknownKey[] = [];
  const cleaned = clean(value, registerTaskDefinitionSchema(), '', dropped);
  return { value: cleaned, dropped };
}

function clean(value: unknown, schema: NormalizedSchema, path: string, dropped: string[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (!schema.isListSchema()) return value;
    const member = schema.getValueSchema();
    return value.map((item, index) => clean(item, member, `${path}[${index}]`, dropped));
  }
  if (schema.isMapSchema()) {
    const member = schema.getValueSchema();
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, clean(item, member, `${path}.${key}`, dropped)]),
    );
  }
  if (!schema.isStructSchema()) return value;
  const members = new Map(schema.structIterator());
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const member = members.get(key);
    const where = path ? `${path}.${key}` : key;
    if (!member) dropped.push(where);
    else result[key] = clean(item, member, where, dropped);
  }
  return result;
}
