import type { YAMLParseError } from 'yaml';
import { parseDocument } from 'yaml';
import { FileError } from '../runtime/errors';
import { jsonErrorOffset } from './json-error-position';
import { lineOf } from './placeholders';

/**
 * Keys of `aws ecs describe-task-definition` output that RegisterTaskDefinition does not take
 * (ECS sets them). `tags` is dropped too: describe output puts the family's tags there.
 */
export const READ_ONLY_KEYS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'tags',
] as const;

/** Parses JSON (`.json`, or text starting with `{`) or YAML, with the line of any syntax error. */
export function parseDefinitionText(text: string, file: string): unknown {
  const json = /\.json$/i.test(file) || (!/\.ya?ml$/i.test(file) && text.trimStart().startsWith('{'));
  if (json) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new FileError(file, `is not valid JSON: ${jsonProblem(text, (error as Error).message)}`);
    }
  }
  const document = parseDocument(text);
  const problem = document.errors[0];
  if (problem) throw new FileError(file, `is not valid YAML: ${yamlProblem(problem)}`);
  return document.toJS();
}

function jsonProblem(text: string, message: string): string {
  // V8 quotes the text around the problem ("..."x": \n}" is not valid JSON); the line says more.
  const short = message
    .replace(/, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+.*$/, '');
  const offset = jsonErrorOffset(text);
  if (offset === undefined) return short;
  const line = lineOf(text, offset);
  const column = offset - text.lastIndexOf('\n', offset - 1);
  return `${short} (line ${line}, column ${column})`;
}

function yamlProblem(error: YAMLParseError): string {
  const first = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return error.linePos ? `${first} (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : first;
}

/**
 * The task definition inside a parsed file: `describe-task-definition` output is accepted with or
 * without its `taskDefinition` wrapper; read-only keys are removed and returned.
 */
export function unwrapDefinition(
  parsed: unknown,
  file: string,
): { definition: Record<string, unknown>; readOnly: string[] } {
  if (!isObject(parsed))
    throw new FileError(file, 'must hold a task definition object (a JSON object or YAML mapping)');
  const inner = isObject(parsed.taskDefinition) ? parsed.taskDefinition : parsed;
  const definition: Record<string, unknown> = {};
  const readOnly: string[] = [];
  for (const [key, value] of Object.entries(inner)) {
    if ((READ_ONLY_KEYS as readonly string[]).includes(key)) readOnly.push(key);
    else definition[key] = value;
  }
  if (inner !== parsed && 'tags' in parsed) readOnly.push('tags');
  return { definition, readOnly };
}

/** Checks the minimum RegisterTaskDefinition needs, naming the file. */
export function assertDefinitionShape(definition: Record<string, unknown>, file: string): void {
  if (typeof definition.family !== 'string' || definition.family === '')
    throw new FileError(file, "has no 'family' (the task definition family name)");
  const containers = definition.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0)
    throw new FileError(file, "has no 'containerDefinitions' (a list with at least one container)");
  containers.forEach((container, index) => {
    if (!isObject(container) || typeof container.name !== 'string' || container.name === '')
      throw new FileError(file, `containerDefinitions[${index}] has no 'name'`);
  });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
