import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderTaskDefinition, type RenderedDefinition } from '../../../src/shared/ecs/task-definition';
import { FileError } from '../../../src/shared/runtime/errors';
import type { Logger } from '../../../src/shared/runtime/logger';
import type { DeploySource } from './inputs';

/** Reads the task definition file (relative to the workspace) and renders it; warns about unknown keys. */
export function renderTaskDefinitionFile(
  source: Extract<DeploySource, { kind: 'file' }>,
  context: { logger: Logger; workspace: string },
): RenderedDefinition {
  let text: string;
  try {
    text = readFileSync(path.resolve(context.workspace, source.path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError(
      source.path,
      code === 'ENOENT'
        ? "does not exist (input 'task-definition')"
        : `cannot be read: ${(error as Error).message}`,
    );
  }
  const rendered = renderTaskDefinition(text, {
    file: source.path,
    vars: source.vars,
    images: source.images,
    nodeConfigVolume: source.nodeConfigVolume,
  });
  if (rendered.readOnlyKeys.length > 0)
    context.logger.info(
      `Ignoring read-only keys of describe-task-definition output: ${rendered.readOnlyKeys.join(', ')}`,
    );
  for (const key of rendered.unknownKeys)
    context.logger.warning(
      `Dropped '${key}': the bundled ECS API model has no such task definition key`,
      source.path,
    );
  return rendered;
}
