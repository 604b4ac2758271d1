import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ActionError, withContext } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import { sameTaskDefinition } from './normalize';

/** The family's latest ACTIVE revision, or undefined when the family has none. */
export async function latestActiveRevision(
  ecs: ECSClient,
  family: string,
): Promise<TaskDefinition | undefined> {
  try {
    // A bare family name describes its latest ACTIVE revision.
    const response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    return response.taskDefinition;
  } catch (error) {
    // ECS answers a family without ACTIVE revisions with ClientException "Unable to describe task definition."
    if ((error as Error).name === 'ClientException') return undefined;
    return withContext(`describe task definition family ${family}`, () => Promise.reject(error));
  }
}

/** Describes an existing revision (family:revision or ARN); a clear error when it does not exist. */
export async function describeRevision(
  ecs: ECSClient,
  taskDefinition: string,
  options: { requireActive?: boolean } = {},
): Promise<TaskDefinition> {
  const response = await withContext(`describe task definition ${taskDefinition}`, () =>
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })),
  ).catch((error: unknown) => {
    if (error instanceof ActionError && /ClientException/.test(error.message))
      throw new ActionError(
        `Task definition '${taskDefinition}' does not exist (input 'task-definition-arn')`,
        {
          title: 'Unknown task definition',
          cause: error,
        },
      );
    throw error;
  });
  const definition = response.taskDefinition;
  if (!definition?.taskDefinitionArn)
    throw new ActionError(`Task definition '${taskDefinition}' was not found`);
  if (options.requireActive !== false && definition.status !== 'ACTIVE')
    throw new ActionError(
      `Task definition ${definition.taskDefinitionArn} is ${definition.status}; deploy an ACTIVE revision`,
      {
        title: 'Inactive task definition',
      },
    );
  return definition;
}

export interface RegisterResult {
  taskDefinitionArn: string;
  /** False when the latest ACTIVE revision was reused. */
  registered: boolean;
}

/**
 * Registers the rendered definition, or with `skipUnchanged` reuses the family's latest ACTIVE
 * revision when it registers the same thing.
 */
export async function registerOrReuse(
  ecs: ECSClient,
  input: RegisterTaskDefinitionCommandInput,
  options: { skipUnchanged: boolean; latest?: TaskDefinition; logger: Logger },
): Promise<RegisterResult> {
  const latest = options.latest;
  if (options.skipUnchanged && latest?.taskDefinitionArn && sameTaskDefinition(input, latest)) {
    options.logger.info(`The task definition equals ${latest.taskDefinitionArn}; reusing it`);
    return { taskDefinitionArn: latest.taskDefinitionArn, registered: false };
  }
  const response = await withContext(`register task definition ${input.family}`, () =>
    ecs.send(new RegisterTaskDefinitionCommand(input)),
  );
  const arn = response.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new ActionError(`RegisterTaskDefinition for ${input.family} returned no ARN`);
  options.logger.info(`Registered ${arn}`);
  return { taskDefinitionArn: arn, registered: true };
}
