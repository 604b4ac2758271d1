import type { ContainerDefinition, RegisterTaskDefinitionCommandInput, Volume } from '@aws-sdk/client-ecs';
import { FileError, InputError } from '../runtime/errors';
import { substitutePlaceholders } from './placeholders';
import { dropUnknownKeys } from './task-definition-schema';
import { assertDefinitionShape, parseDefinitionText, unwrapDefinition } from './task-definition-file';

/** What the deploy action renders a task definition file with. */
export interface RenderOptions {
  /** Name shown in errors (the path as the user gave it). */
  file: string;
  vars: Record<string, string>;
  /** container name → image; the key '' means "the only container". */
  images: Record<string, string>;
  /** Host path mounted read-only into every container, or undefined for none. */
  nodeConfigVolume?: string;
}

export interface RenderedDefinition {
  input: RegisterTaskDefinitionCommandInput;
  /** Keys the bundled ECS model does not know, dropped (warn about these). */
  unknownKeys: string[];
  /** Read-only describe-output keys dropped (expected; no warning). */
  readOnlyKeys: string[];
}

/**
 * Renders a task definition file into RegisterTaskDefinition input. Pure: placeholders, then
 * parsing, unwrapping describe output, dropping read-only and unknown keys, images, and the
 * node-config volume. Throws `FileError`/`InputError` naming the file or input.
 */
export function renderTaskDefinition(text: string, options: RenderOptions): RenderedDefinition {
  const substituted = substitutePlaceholders(text, options.vars, options.file);
  const { definition, readOnly } = unwrapDefinition(
    parseDefinitionText(substituted, options.file),
    options.file,
  );
  assertDefinitionShape(definition, options.file);
  const { value, dropped } = dropUnknownKeys(definition);
  const input = value as RegisterTaskDefinitionCommandInput;
  applyImages(input, options.images);
  if (options.nodeConfigVolume) addNodeConfigVolume(input, options.nodeConfigVolume);
  return { input, unknownKeys: dropped, readOnlyKeys: readOnly };
}

/** Sets container images; '' names the only container. Unknown container names are errors. */
export function applyImages(input: RegisterTaskDefinitionCommandInput, images: Record<string, string>): void {
  const containers = input.containerDefinitions ?? [];
  const names = containers.map((container) => container.name ?? '');
  for (const [name, image] of Object.entries(images)) {
    if (name === '') {
      if (containers.length !== 1)
        throw new InputError(
          'images',
          `gives a bare image, but the task definition has ${containers.length} containers (${names.join(', ')})`,
          'Use container=image lines',
        );
      containers[0].image = image;
      continue;
    }
    const container = containers.find((c) => c.name === name);
    if (!container)
      throw new InputError(
        'images',
        `names container '${name}', which the task definition does not have`,
        `Its containers: ${names.join(', ')}`,
      );
    container.image = image;
  }
  containers.forEach((container, index) => {
    if (!container.image)
      throw new FileError(
        `containerDefinitions[${index}] (${container.name})`,
        "has no image; set it in the file or the 'images' input",
      );
  });
}

/** The volume name for a node-config host path: `/etc/container_config` → `container_config`. */
export function nodeConfigVolumeName(hostPath: string): string {
  const base = hostPath.replace(/\/+$/, '').split('/').pop() || 'node-config';
  return base.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
}

/**
 * Adds a host volume for `hostPath` (reusing one that already mounts it) and a read-only mount at
 * the same path to every container that has no mount there yet.
 */
export function addNodeConfigVolume(input: RegisterTaskDefinitionCommandInput, hostPath: string): void {
  const volumes: Volume[] = (input.volumes = input.volumes ?? []);
  let volume = volumes.find((v) => v.host?.sourcePath === hostPath);
  if (!volume) {
    const base = nodeConfigVolumeName(hostPath);
    let name = base;
    for (let n = 2; volumes.some((v) => v.name === name); n++) name = `${base}-${n}`;
    volume = { name, host: { sourcePath: hostPath } };
    volumes.push(volume);
  }
  for (const container of input.containerDefinitions ?? ([] as ContainerDefinition[])) {
    const mounts = (container.mountPoints = container.mountPoints ?? []);
    if (!mounts.some((mount) => mount.containerPath === hostPath))
      mounts.push({ sourceVolume: volume.name, containerPath: hostPath, readOnly: true });
  }
}
